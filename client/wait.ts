import { CcmAbortError, CcmError, CcmWaitTimeoutError, type ClientOperation, type WaitSubject } from './errors.js';

/**
 * Waiting for an order, for both clients (SOAP and REST): the polling schedule (exponential backoff with a cap
 * and a little jitter), and the loop that polls within a deadline.
 */

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

// ---- the polling loop both clients wait with ----

/** What one poll found: the certificate, or not yet. */
export type PollResult<T> = { ready: true; value: T } | { ready: false };

/** One poll as the loop reports it (each client adds what it waits for: an order number, a backendCertId). */
export interface PollProgress {
  /** polls made so far */
  poll: number;
  /** the last code a poll answered (SOAP: 0 processing; REST: -183 not collectable yet), unless it failed */
  code?: number;
  /** the failure of this poll, which will be retried */
  error?: CcmError;
  elapsedMs: number;
  /** pause before the next poll */
  nextDelayMs: number;
}

export interface PollLoopOptions {
  /** give up after this long, ms (default 10 minutes); a poll in flight then is cut short. 0: exactly one poll */
  timeoutMs?: number;
  signal?: AbortSignal;
  backoff?: BackoffOptions;
  /** consecutive transient poll failures tolerated; default 3 */
  maxConsecutiveErrors?: number;
}

export interface PollLoop<T> {
  /** what is waited for: errors and events carry it */
  subject: WaitSubject;
  /** the operation an abort is reported for */
  operation: ClientOperation;
  /**
   * One poll (read operations only: nothing here may enroll or revoke), under `signal`; `answered` records each
   * code the service gave on the way, for events and the timeout error.
   */
  poll(signal: AbortSignal | undefined, answered: (code: number) => void): Promise<PollResult<T>>;
  /** failures worth polling again for (a lost answer, a server error), up to maxConsecutiveErrors in a row */
  isTransient(err: unknown): boolean;
  onPoll?: (progress: PollProgress) => void;
}

const DEFAULT_WAIT_MS = 10 * 60_000;
/** setTimeout's ceiling: a longer timer would fire at once */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A signal that fires `ms` from now; none for a wait too long for a timer (it cannot end sooner than that anyway). */
function deadlineSignal(ms: number): AbortSignal | undefined {
  if (!(ms <= MAX_TIMER_MS)) return undefined;
  return AbortSignal.timeout(Math.max(0, Math.ceil(ms)));
}

const formatWait = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`);

function tagged(err: CcmError, subject: WaitSubject): void {
  if (typeof subject === 'number') err.orderNumber ??= subject;
  else err.backendCertId ??= subject.backendCertId;
}

/**
 * Poll until the certificate is there, with backoff, within the wait. Only `poll` is repeated (it makes read
 * calls only); its transient failures are retried a few times in a row, anything else ends the wait.
 */
export async function pollWithBackoff<T>(loop: PollLoop<T>, options: PollLoopOptions = {}): Promise<T> {
  const { signal } = options;
  const { subject } = loop;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const maxErrors = options.maxConsecutiveErrors ?? 3;
  const nextDelay = backoffDelays(options.backoff);
  const started = performance.now();
  // the deadline also cuts short a poll in flight: a hung request must not outlast the wait. A wait of 0 (or
  // less) has no deadline: it makes its one poll, which only the request timeout bounds
  const deadline = timeoutMs > 0 ? deadlineSignal(timeoutMs) : undefined;
  const pollSignal = deadline && signal ? AbortSignal.any([signal, deadline]) : (deadline ?? signal);
  let polls = 0;
  let errors = 0;
  let lastCode: number | undefined;
  const aborted = (cause: unknown) => {
    const err = new CcmAbortError(loop.operation, { cause });
    tagged(err, subject);
    return err;
  };
  const timedOut = (cutShort?: { poll: number; waitText: string }) =>
    new CcmWaitTimeoutError(subject, polls, performance.now() - started, lastCode, cutShort);
  for (;;) {
    if (signal?.aborted) throw aborted(signal.reason);
    if (deadline?.aborted) throw timedOut();
    let error: CcmError | undefined;
    try {
      const result = await loop.poll(pollSignal, (code) => (lastCode = code));
      if (result.ready) return result.value;
      errors = 0;
    } catch (err) {
      // the deadline ended this poll before it was answered: nothing said the order was still processing
      if (err instanceof CcmAbortError && deadline?.aborted && !signal?.aborted)
        throw timedOut({ poll: polls + 1, waitText: formatWait(timeoutMs) });
      if (err instanceof CcmError) tagged(err, subject);
      if (err instanceof CcmAbortError || !loop.isTransient(err) || ++errors > maxErrors) throw err;
      error = err as CcmError;
    }
    polls++;
    const elapsedMs = performance.now() - started;
    const remaining = timeoutMs - elapsedMs;
    const delay = Math.max(0, Math.min(nextDelay(), remaining));
    loop.onPoll?.({ poll: polls, code: error ? undefined : lastCode, error, elapsedMs, nextDelayMs: delay });
    if (remaining <= 0) throw timedOut();
    try {
      await sleep(delay, signal);
    } catch (reason) {
      throw aborted(reason);
    }
  }
}
