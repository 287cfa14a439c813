import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TransportFault } from '../domain/faults.js';
import { breakAnswer } from '../lib/broken-answer.js';

/**
 * Breaking a REST answer on purpose (fault injection; the mechanism both APIs share is
 * server/lib/broken-answer.ts): what is REST's own is a cut-off JSON body. SOAP's "soap-fault" has no REST
 * meaning: a rule for a REST operation cannot ask for it (faults.ts), and it would answer the HTML 500 page.
 */

export function breakRestTransport(
  req: IncomingMessage,
  res: ServerResponse,
  fault: TransportFault,
  answeredJson: string,
  done: (httpStatus: number) => void,
): void {
  const whole = answeredJson || '{"orderNumber":1234567,"backendCertId":"1234567"}';
  breakAnswer(
    req,
    res,
    fault,
    { contentType: 'application/json', truncated: whole.slice(0, Math.max(1, Math.floor(whole.length / 2))) },
    done,
  );
}
