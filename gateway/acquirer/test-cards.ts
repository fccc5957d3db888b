// The test acquirer's rules by PAN: the same table as the simulated reader's test cards
// (drivers/sim/test-cards.ts, which gateway/ may not import; docs/test-cards.md). Keep the two in
// step: tests/gateway-test-cards.test.ts checks every card of the simulator's table here.
// These PANs are public test numbers, issued to nobody.

export type TestAcquirerRule =
  | 'approve'
  | 'decline'
  | 'insufficient_funds'
  | 'expired_card'
  /** The acquirer never answers: the gateway's timeout path (status query, then reversal). */
  | 'timeout';

export const TEST_CARD_RULES: Readonly<Record<string, TestAcquirerRule>> = {
  '4242424242424242': 'approve',
  '4000000000000002': 'decline',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000119': 'timeout',
  // Presents a PAR; approved.
  '5555555555554444': 'approve',
  // Reader-side behaviours (removed early, never tapped): approved if they ever get here.
  '4000000000003220': 'approve',
  '4000000000000101': 'approve',
  // On the venue's blocked card-key list (by PAR): the acquirer approves it; the gateway refuses
  // it in stand-in, the terminal offline.
  '4000000000000259': 'approve',
};

/** Any other Luhn-valid PAN is approved, as test acquirers usually do. */
export function testRuleForPan(pan: string): TestAcquirerRule {
  return TEST_CARD_RULES[pan] ?? 'approve';
}
