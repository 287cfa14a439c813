import { SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS } from '../../wsdl/contract.js';
import { escapeXml } from '../../wsdl/xml.js';

/**
 * SOAP 1.1 faults shaped like Metro's (JAX-WS RI): HTTP 500 unless a transport status says otherwise,
 * `S:` envelope prefix, `<faultcode>S:Client</faultcode><faultstring>...</faultstring>`. Metro also declares
 * the SOAP 1.2 namespace on the Fault element; kept, as clients ignore it.
 */

/** Metro's exact Content-Type for a SOAP 1.1 message (no space before charset). */
export const SOAP11_CONTENT_TYPE = 'text/xml;charset=utf-8';

export type FaultCode = 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand';

export class SoapFault extends Error {
  constructor(
    readonly faultCode: FaultCode,
    message: string,
    readonly httpStatus = 500,
  ) {
    super(message);
  }
}

export function faultEnvelope(code: FaultCode, message: string): string {
  return (
    `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="${SOAP11_ENVELOPE_NS}"><S:Body>` +
    `<S:Fault xmlns:ns4="${SOAP12_ENVELOPE_NS}"><faultcode>S:${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></S:Fault>` +
    `</S:Body></S:Envelope>`
  );
}
