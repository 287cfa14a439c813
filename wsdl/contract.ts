import { readFileSync } from 'node:fs';
import { readWsdl, type SchemaModel } from './schema-model.js';
import { wsdlPath } from './paths.js';

/**
 * The EPKIManager contract as this project publishes it: wsdl/EPKIManager.wsdl, read once.
 * Everything wire-shaped (server, client, conformance kit) takes names from here.
 */

export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_ENVELOPE_NS = 'http://www.w3.org/2003/05/soap-envelope';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** The namespace written in wsdl/EPKIManager.wsdl; the live one is unconfirmed, so servers and clients may override it. */
export const DEFAULT_NAMESPACE = 'http://ws.epki.comodo.com/';
export const SERVICE_PATH = '/ws/EPKIManager';

export const OPERATIONS = [
  'enroll',
  'enrollUsingKUTemplates',
  'getCollectStatus',
  'collect',
  'revoke',
  'revokeBySerialNumber',
  'revokeAllByPerson',
  'getKUTemplates',
  'getWebServiceInfo',
] as const;
export type OperationName = (typeof OPERATIONS)[number];

export function isOperationName(name: string): name is OperationName {
  return (OPERATIONS as readonly string[]).includes(name);
}

export const wsdlText: string = readFileSync(wsdlPath, 'utf8');
export const contract: SchemaModel = readWsdl(wsdlText);

/**
 * The WSDL as served: the namespace switched to `namespace` and soap:address pointing at `location`.
 * Text substitution on the two known attribute forms keeps the published file byte-for-byte otherwise.
 */
export function renderWsdl(namespace: string, location: string): string {
  let text = wsdlText;
  if (namespace !== contract.targetNamespace) {
    const from = `"${contract.targetNamespace}"`;
    text = text.split(from).join(`"${attrValue(namespace)}"`);
  }
  return rewriteWsdlLocations(text, location);
}

const attrValue = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * A WSDL (or schema document) pointed at `location`: every `<*:address location="...">` (soap:address under
 * any prefix) gets it, and, with `servedPath`, every location/schemaLocation naming a document at that path
 * (`...?xsd=1` imports, whatever host the server wrote) is re-based onto `location`, keeping its query. So a
 * client that reads it calls, and fetches imports from, `location`. Text substitution: the rest stays byte for
 * byte.
 */
export function rewriteWsdlLocations(text: string, location: string, servedPath?: string): string {
  let out = text.replace(
    /(<(?:[A-Za-z_][\w.-]*:)?address\b[^>]*?\slocation\s*=\s*)(["'])[^"']*\2/g,
    (_m, head: string, q: string) => `${head}${q}${attrValue(location)}${q}`,
  );
  if (servedPath !== undefined) {
    out = out.replace(
      /(\s(?:schemaLocation|location)\s*=\s*)(["'])([^"']*)\2/g,
      (m, head: string, q: string, value: string) => {
        let url: URL;
        try {
          url = new URL(value.replace(/&amp;/g, '&'));
        } catch {
          return m; // a relative location resolves against wherever the client fetched from: already here
        }
        if (url.pathname !== servedPath) return m;
        return `${head}${q}${attrValue(location + url.search)}${q}`;
      },
    );
  }
  return out;
}
