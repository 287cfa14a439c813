import { readWsdl } from '../../wsdl/schema-model.js';
import type { HttpReply } from './exchange.js';

/**
 * Where ccm-mock answers differently from Metro on purpose, by corpus case name (`[group] name`), with the
 * reason; docs/wire-fidelity.md lists the same deviations for users. Each must still differ (or the entry is
 * stale), and `holds`, when given, says what must stay true of the two answers all the same.
 */
export interface Deviation {
  reason: string;
  holds?: (mock: HttpReply, metro: HttpReply) => void;
}

const DTD =
  'ccm-mock refuses any DTD (SOAP 1.1 forbids one, and it keeps entity tricks out); Metro 2.3.0.2 skips an internal subset';

/** Both WSDLs describe the same contract: the same operations, elements and types. */
function sameContract(mock: HttpReply, metro: HttpReply): void {
  const model = (r: HttpReply) => {
    const m = readWsdl(r.body.toString('utf8'));
    return JSON.stringify({
      ns: m.targetNamespace,
      service: [m.serviceName, m.portName, m.portTypeName, m.soapVersion, m.bindingStyle],
      elements: [...m.elements],
      types: [...m.types],
      operations: [...m.operations],
    });
  };
  if (model(mock) !== model(metro)) throw new Error('the served WSDLs describe different contracts');
}

const WSDL: Deviation = {
  reason:
    "ccm-mock serves wsdl/EPKIManager.wsdl as written; Metro re-serialises the same document (single-quoted declaration, a 'Published by JAX-WS RI' comment, attributes on one line)",
  holds: sameContract,
};

export const DEVIATIONS: Record<string, Deviation> = {
  '[transport] GET ?wsdl': WSDL,
  '[transport] GET ?WSDL': WSDL,
  '[malformed] a DOCTYPE without entities': { reason: DTD },
  '[malformed] a DOCTYPE with an internal entity, unused': { reason: DTD },
  '[malformed] a DOCTYPE with an internal entity, used': { reason: DTD },
  '[transport] Content-Type multipart/related (MTOM)': {
    reason:
      'ccm-mock reads no MIME packages: multipart/related (SwA, MTOM) gets the 415 it gives any type it does not decode; Metro parses the package. The WSDL declares no MTOM policy, so its clients send none',
  },
  '[transport] a gzip-encoded body': {
    reason:
      'ccm-mock inflates a gzip, deflate or br request body; Metro on its own does not (its JDK HTTP server hands it the compressed bytes). Whether the live service does depends on the web server in front of it (Apache), which is unknown',
  },
};
