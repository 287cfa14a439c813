import { pino, type DestinationStream, type Logger } from 'pino';
import type { SoapCallRecord } from './soap/endpoint.js';

/**
 * Structured logs: one JSON object per line on stdout (pino), one line per answered SOAP call.
 * Call records carry no secrets; redaction is the second line of defence for anything logged beside them.
 */

const SECRET_KEYS = ['password', 'secretKey', 'adminToken', 'token', 'authorization'];
export const REDACTED_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), 'req.headers.authorization', 'authData.password'];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ccm-mock' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** The onCall listener that writes a SOAP call's log line: operation, customer, order, code, latency. */
export function soapCallLogger(logger: Logger): (record: SoapCallRecord) => void {
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
    if (r.fault) logger.warn(line, 'soap fault');
    else logger.info(line, 'soap call');
  };
}
