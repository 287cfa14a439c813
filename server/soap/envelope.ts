import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS } from '../../wsdl/contract.js';
import { envelopeParts } from '../../wsdl/codec/index.js';
import { elementChildren, SAFE_PARSE } from '../../wsdl/xml.js';
import { SoapFault } from './fault.js';

/**
 * Reading a SOAP 1.1 request the way Metro does: well-formed XML without a DTD, a 1.1 Envelope
 * (a 1.2 one is a VersionMismatch), no mandatory header it does not understand, and one payload element.
 * libxml2 never loads external entities here and stops at 256 levels of nesting.
 */

export interface SoapRequest {
  doc: XmlDocument;
  /** the first element of the Body: the operation wrapper */
  payload: XmlElement;
}

const MESSAGE_ERROR = "Couldn't create SOAP message due to exception: XML reader error: ";

/** The parser's own complaint, one line, without libxml2's "Entity: line 1:" noise. */
function readerError(err: unknown): string {
  const text = (err as Error).message ?? String(err);
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)[0] ?? 'unreadable XML'
  );
}

/** Nothing but XML whitespace (or nothing at all), found without turning the body into a string. */
function isBlank(body: Buffer): boolean {
  for (const byte of body) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  }
  return true;
}

/** True when the prolog (before the root element) declares a DOCTYPE; SOAP 1.1 section 3 forbids it. */
function hasDoctype(body: Buffer): boolean {
  const window = body.subarray(0, 4096);
  if (window.indexOf('<!DOCTYPE', 0, 'latin1') < 0) return false; // the usual case, without making a string
  const head = window.toString('latin1');
  const doctype = head.indexOf('<!DOCTYPE');
  if (doctype < 0) return false;
  // a DOCTYPE after the root element starts would be inside content, where it is not a declaration
  const root = head.search(/<[A-Za-z_]/);
  return root < 0 || doctype < root;
}

export function parseSoapRequest(body: Buffer): SoapRequest {
  if (isBlank(body)) {
    throw new SoapFault('Client', MESSAGE_ERROR + 'Premature end of file.');
  }
  if (hasDoctype(body)) {
    throw new SoapFault('Client', MESSAGE_ERROR + 'a SOAP message must not contain a Document Type Declaration');
  }
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(body, { option: SAFE_PARSE });
  } catch (err) {
    throw new SoapFault('Client', MESSAGE_ERROR + readerError(err));
  }
  try {
    if (doc.dtd)
      throw new SoapFault('Client', MESSAGE_ERROR + 'a SOAP message must not contain a Document Type Declaration');
    const parts = envelopeParts(doc.root);
    if (!parts) {
      const root = doc.root;
      const got = root.namespaceUri || '(no namespace)';
      const hint = root.namespaceUri === SOAP12_ENVELOPE_NS ? '' : ` (root element ${root.name})`;
      throw new SoapFault(
        'VersionMismatch',
        `Couldn't create SOAP message. Expecting Envelope in namespace ${SOAP11_ENVELOPE_NS}, but got ${got}${hint}`,
      );
    }
    if (parts.header) checkMustUnderstand(parts.header);
    if (!parts.body) throw new SoapFault('Client', "Couldn't create SOAP message: the Envelope has no Body");
    const payload = parts.payload[0];
    if (!payload) throw new SoapFault('Client', 'Cannot find dispatch method: the SOAP Body is empty');
    return { doc, payload };
  } catch (err) {
    doc.dispose();
    throw err;
  }
}

/** Metro rejects a header block marked mustUnderstand that no handler understands; this endpoint understands none. */
function checkMustUnderstand(header: XmlElement): void {
  const misunderstood = elementChildren(header)
    .filter((h) => {
      const mu = h.attrs.find((a) => a.name === 'mustUnderstand' && a.namespaceUri === SOAP11_ENVELOPE_NS);
      const actor = h.attrs.find((a) => a.name === 'actor' && a.namespaceUri === SOAP11_ENVELOPE_NS)?.value;
      const forUs = !actor || actor === 'http://schemas.xmlsoap.org/soap/actor/next';
      return forUs && (mu?.value === '1' || mu?.value === 'true');
    })
    .map((h) => `{${h.namespaceUri}}${h.name}`);
  if (misunderstood.length) {
    throw new SoapFault('MustUnderstand', `MustUnderstand headers:[${misunderstood.join(', ')}] are not understood`);
  }
}
