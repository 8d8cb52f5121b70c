// How long `crossway sync` waits before its next round: the interval after a good
// round; after failures, the interval doubled per consecutive failure up to a cap,
// with ±10% jitter so many syncs that failed together do not retry together.

export function nextDelayMs(
  intervalMs: number,
  consecutiveFailures: number,
  maxBackoffMs: number,
  random: () => number = Math.random,
): number {
  if (consecutiveFailures <= 0) return intervalMs;
  const cap = Math.max(maxBackoffMs, intervalMs);
  const doubled = intervalMs * 2 ** Math.min(consecutiveFailures - 1, 30);
  const base = Math.min(doubled, cap);
  return Math.round(base * (0.9 + 0.2 * random()));
}

/** Resolves after ms, or at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
