// Waiting out a payment another request is still authorizing (card or wallet), so a repeated
// request answers with the outcome instead of asking the acquirer or provider a second time.

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Re-reads the payment while it is `pending`, for at most `timeoutMs` plus 2 s (the other request's
 * deadline and some slack); answers the last row read (`p` if it vanished).
 */
export async function waitWhilePending<P extends { key: string; status: string }>(
  p: P,
  read: (key: string) => Promise<P | undefined>,
  timeoutMs: number,
): Promise<P> {
  let current = p;
  const until = Date.now() + timeoutMs + 2_000;
  while (current.status === 'pending' && Date.now() < until) {
    await sleep(20);
    current = (await read(p.key)) ?? current;
  }
  return current;
}
