import { describe, expect, it } from 'vitest';
import {
  TEST_CARDS,
  TEST_WRISTBAND,
  acquirerBehaviourForPan,
  findTestCard,
  luhnValid,
  maskPan,
  testCardNames,
} from './test-cards';

describe('test cards', () => {
  it('has the issue’s PANs with their acquirer answers', () => {
    expect(acquirerBehaviourForPan('4242424242424242')).toBe('approve');
    expect(acquirerBehaviourForPan('4000000000000002')).toBe('decline');
    expect(acquirerBehaviourForPan('4000000000009995')).toBe('insufficient_funds');
    expect(acquirerBehaviourForPan('4000000000000069')).toBe('expired_card');
    expect(acquirerBehaviourForPan('4000000000000119')).toBe('timeout');
  });

  it('has a PAR card, a removed-early card, a no-tap card and a blocked card', () => {
    expect(findTestCard('mc-par')?.par).toHaveLength(29);
    expect(findTestCard('removed-early')?.reader).toBe('removed_early');
    expect(findTestCard('no-tap')?.reader).toBe('no_tap');
    expect(findTestCard('blocked')?.blocked).toBe(true);
    expect(findTestCard('blocked')?.par).toHaveLength(29);
  });

  it('uses unique names and PANs, all Luhn-valid, with YYMM expiries and hex AIDs', () => {
    expect(new Set(TEST_CARDS.map((c) => c.name)).size).toBe(TEST_CARDS.length);
    expect(new Set(TEST_CARDS.map((c) => c.pan)).size).toBe(TEST_CARDS.length);
    for (const c of TEST_CARDS) {
      expect(luhnValid(c.pan), c.name).toBe(true);
      expect(c.expiry, c.name).toMatch(/^\d{2}(0[1-9]|1[0-2])$/);
      expect(c.aid, c.name).toMatch(/^(?:[0-9A-F]{2}){5,16}$/);
      expect(c.label.length, c.name).toBeLessThanOrEqual(16);
    }
    expect((findTestCard('visa-expired')?.expiry ?? '9999') < '2601').toBe(true);
  });

  it('lists the wristband among the names the simulator accepts', () => {
    expect(testCardNames()).toContain('wristband');
    expect(TEST_WRISTBAND.uid).toMatch(/^04(?:[0-9A-F]{2}){6}$/);
  });

  it('masks to first 6 and last 4 and rejects bad Luhn', () => {
    expect(maskPan('4242424242424242')).toBe('424242******4242');
    expect(maskPan('5555555555554444')).toBe('555555******4444');
    expect(luhnValid('4242424242424241')).toBe(false);
  });
});
