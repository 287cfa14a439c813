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

/**
 * stdout, written asynchronously: under load many lines leave in one write instead of a write per SOAP call
 * (a synchronous write cost more than the rest of a collect's logging). pino flushes it when the process exits.
 */
const stdout = (): DestinationStream => pino.destination({ dest: 1, sync: false });

export function createLogger(level: string, destination: DestinationStream = stdout()): Logger {
  const logger = pino({ ...OPTIONS, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
  destinations.set(logger, destination);
  return logger;
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
