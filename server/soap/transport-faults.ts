import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeFault } from '../../wsdl/codec/index.js';
import type { TransportFault } from '../domain/faults.js';
import { breakAnswer } from '../lib/broken-answer.js';

/**
 * Breaking a SOAP answer on purpose (fault injection; the mechanism both APIs share is server/lib/broken-answer.ts):
 * what is SOAP's own is a cut-off envelope and a SOAP Server fault.
 */

const XML = 'text/xml;charset=utf-8';

/** A response envelope that stops partway: not well-formed XML. */
function truncated(xml: string): string {
  const whole =
    xml ||
    `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:response xmlns:ns2="http://ws.epki.comodo.com/"><return>`;
  return whole.slice(0, Math.max(40, Math.floor(whole.length / 2)));
}

export function breakTransport(
  req: IncomingMessage,
  res: ServerResponse,
  fault: TransportFault,
  answeredXml: string,
  done: (httpStatus: number) => void,
): void {
  breakAnswer(
    req,
    res,
    fault,
    {
      contentType: XML,
      truncated: fault.kind === 'malformed' ? truncated(answeredXml) : '',
      serverFault: encodeFault('Server', 'Internal server error (injected by ccm-mock)'),
    },
    done,
  );
}
