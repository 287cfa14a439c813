/**
 * A SOAP 1.1 fault to answer, as Metro (JAX-WS RI) answers it: HTTP 500 unless a transport status says
 * otherwise; its envelope is written by wsdl/codec (encodeFault).
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
