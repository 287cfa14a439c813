import { pino, type DestinationStream, type Logger } from 'pino';
import type { SoapCallRecord } from './soap/endpoint.js';

/**
 * Structured logs: one JSON object per line on stdout (pino), one line per answered SOAP call.
 * Call records carry no secrets; redaction is the second line of defence for anything logged beside them.
 */

const SECRET_KEYS = ['password', 'secretKey', 'adminToken', 'token', 'authorization'];
export const REDACTED_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), 'req.headers.authorization', 'authData.password'];

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
  const logger = pino({ ...OPTIONS, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, dest);
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
 * the rest of the line on the busiest path); they go to the same destination as `logger`'s lines.
 */
export function soapCallLogger(logger: Logger): (record: SoapCallRecord) => void {
  const calls = pino({ ...OPTIONS, level: logger.level }, destinations.get(logger) ?? stdout());
  return (r) => {
    const line = {
      operation: r.operation,
      customer: r.customerUri,
      order: r.orderNumber,
      code: r.code,
      fault: r.fault,
      status: r.httpStatus,
      latencyMs: Math.round(r.latencyMs * 10) / 10,
    };
    if (r.fault) calls.warn(line, 'soap fault');
    else calls.info(line, 'soap call');
  };
}
