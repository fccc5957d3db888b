// The gateway's test acquirer rules (gateway/acquirer/test-cards.ts) and the simulated reader's test
// cards (drivers/sim/test-cards.ts) are one table kept in two places (gateway/ may not import
// drivers/): this test fails when they drift apart.
import { describe, expect, it } from 'vitest';
import { demoBlockedCardKeys } from '../contract/demo-venue';
import { TEST_CARDS } from '../drivers/sim/test-cards';
import { TEST_CARD_RULES, testRuleForPan } from '../gateway/acquirer/test-cards';

describe('test cards: simulator and gateway test acquirer agree', () => {
  it.each(TEST_CARDS.map((c) => [c.name, c] as const))('%s', (_name, card) => {
    expect(testRuleForPan(card.pan)).toBe(card.acquirer);
  });
  it('the gateway knows no card the simulator lacks', () => {
    expect(Object.keys(TEST_CARD_RULES).sort()).toEqual(TEST_CARDS.map((c) => c.pan).sort());
  });
});

it("the demo venue blocks the simulator's blocked test card", () => {
  const blocked = TEST_CARDS.filter((c) => c.name === 'blocked');
  expect(blocked).toHaveLength(1);
  expect(demoBlockedCardKeys).toContain(blocked[0]!.par);
});
