/** Polling schedule for waiting on an order: exponential backoff with a cap and a little jitter. */

export interface BackoffOptions {
  /** first pause before polling again, ms (default 1000) */
  initialDelayMs?: number;
  /** pause ceiling, ms (default 30 000) */
  maxDelayMs?: number;
  /** growth per poll (default 1.5) */
  factor?: number;
  /** random spread as a fraction of the pause, 0..1 (default 0.1) */
  jitter?: number;
}

export function backoffDelays(opts: BackoffOptions = {}, random: () => number = Math.random): () => number {
  const initial = Math.max(0, opts.initialDelayMs ?? 1000);
  const max = Math.max(initial, opts.maxDelayMs ?? 30_000);
  const factor = Math.max(1, opts.factor ?? 1.5);
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.1));
  let next = initial;
  return () => {
    const base = next;
    next = Math.min(max, next * factor);
    return Math.round(base * (1 - jitter + 2 * jitter * random()));
  };
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first (wrapped when it is not an Error). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An abort's reason as an Error: AbortController.abort() makes one (an AbortError), abort(x) passes x through. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`, { cause: reason });
}
