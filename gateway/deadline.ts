// The gateway's deadline on a call to the acquirer or the wallet provider: the caller is answered
// at the deadline, while the call itself may go on (its late answer is ignored). Money: a call cut
// off here may still have charged: a timeout is not a refusal.

/** Races `call` against `ms`; at the deadline rejects with `timeout()`. */
export function raceDeadline<T>(
  call: () => Promise<T>,
  ms: number,
  timeout: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeout()), ms);
    timer.unref();
    call().then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
