import { pino, type DestinationStream, type Logger } from 'pino';
import { truncateOptional } from './lib/truncate.js';
import type { SoapCallRecord } from './soap/endpoint.js';

/**
 * Structured logs: one JSON object per line on stdout (pino), one line per answered SOAP call.
 * Call records carry no secrets; redaction is the second line of defence for anything logged beside them.
 */

/** Keys whose values never reach a log line, compared without case (Authorization, Password, ...). */
export const SECRET_KEYS = ['password', 'secretKey', 'adminToken', 'token', 'authorization'] as const;
const SECRET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
export const CENSOR = '[redacted]';
/** Deeper than this a subtree is censored whole: no log object is this deep, and a walk must end. */
const MAX_DEPTH = 16;

/**
 * `value` with the value of every secret key censored, at any depth, in arrays and errors too (an error is
 * serialized as pino would, then walked). Copy on write: what holds no secret is returned as it is.
 * pino's own redact paths cannot wildcard depth (`*.password` is one level), hence this walk.
 */
export function redactSecrets(value: unknown, depth = 0, ancestors = new Set<object>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  let node: object = value;
  if (node instanceof Error) node = pino.stdSerializers.err(node);
  // Buffers, Dates and the like serialize through toJSON, not their keys
  else if (typeof (node as { toJSON?: unknown }).toJSON === 'function') return value;
  if (ancestors.has(node)) return '[Circular]';
  if (depth >= MAX_DEPTH) return CENSOR;
  ancestors.add(node);
  const source = node as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(source)) {
    const v = source[key];
    const r = SECRET.has(key.toLowerCase()) ? CENSOR : redactSecrets(v, depth + 1, ancestors);
    if (r !== v)
      (out ??= Array.isArray(source) ? (source.slice() as unknown as Record<string, unknown>) : { ...source })[key] = r;
  }
  ancestors.delete(node);
  return out ?? node;
}

const OPTIONS = {
  base: { service: 'ccm-mock' },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) },
};
const destinations = new WeakMap<Logger, DestinationStream>();

/** How long a log line may wait in the buffer when the mock is quiet. */
const FLUSH_EVERY_MS = 100;
const flushTimers = new WeakMap<Logger, NodeJS.Timeout>();

/**
 * stdout, buffered: lines leave 4 kB at a time, and at least every FLUSH_EVERY_MS, instead of one write
 * (a system call, or a thread-pool round trip) per SOAP call, which cost more than the rest of a collect's
 * logging. pino flushes the buffer when the process exits; a SIGKILL loses what is buffered.
 */
const stdout = () => pino.destination({ dest: 1, sync: false, minLength: 4096 });

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const dest = destination ?? stdout();
  const redact = (object: Record<string, unknown>) => redactSecrets(object) as Record<string, unknown>;
  const logger = pino(
    // errors were serialized by the walk already: pino's err serializer would take the result for another error
    {
      ...OPTIONS,
      level,
      formatters: { ...OPTIONS.formatters, log: redact },
      serializers: { err: (err: unknown) => err },
    },
    dest,
  );
  // a child's bindings never pass a formatter (pino resets it for children): walked here, for children of children too
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-invoked below with .call(this), on whichever logger it is called
  const child = logger.child;
  logger.child = function (this: Logger, bindings: Record<string, unknown>, options?: object) {
    return child.call(this, redact(bindings), options);
  } as Logger['child'];
  destinations.set(logger, dest);
  if (!destination && level !== 'silent') {
    const buffered = dest as ReturnType<typeof stdout>;
    const timer = setInterval(() => {
      try {
        buffered.flush();
      } catch {
        clearInterval(timer); // the stream was destroyed (stdout closed): nothing more to write
      }
    }, FLUSH_EVERY_MS);
    flushTimers.set(logger, timer.unref());
  }
  return logger;
}

/** Stop a logger's flush timer and write what it buffered (the mock is closing; the process may go on). */
export function closeLogger(logger: Logger): void {
  clearInterval(flushTimers.get(logger));
  logger.flush();
}

/**
 * The onCall listener that writes a SOAP call's log line: operation, customer, order, code, latency.
 * Its lines are built from known fields that hold no secret, so they skip redaction (which cost more than
 * the rest of the line on the busiest path); they go to the same destination as `logger`'s lines. The
 * customer and the fault text may quote what a caller sent: truncated, so a line stays short.
 */
export function soapCallLogger(logger: Logger): (record: SoapCallRecord) => void {
  const calls = pino({ ...OPTIONS, level: logger.level }, destinations.get(logger) ?? stdout());
  return (r) => {
    const line = {
      operation: r.operation,
      customer: truncateOptional(r.customerUri),
      order: r.orderNumber,
      code: r.code,
      fault: truncateOptional(r.fault),
      status: r.httpStatus,
      latencyMs: Math.round(r.latencyMs * 10) / 10,
    };
    if (r.fault) calls.warn(line, 'soap fault');
    else calls.info(line, 'soap call');
  };
}
