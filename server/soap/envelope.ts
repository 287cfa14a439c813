import { XmlCData, XmlDocument, XmlElement, XmlText, type XmlTreeNode } from 'libxml2-wasm';
import { SOAP11_ENVELOPE_NS } from '../../wsdl/contract.js';
import { SAFE_PARSE } from '../../wsdl/validator.js';
import { elementChildren } from '../../wsdl/xml.js';
import type { Charset } from './charset.js';
import { SoapFault } from './fault.js';

/**
 * Reading a SOAP 1.1 request the way Metro (JAX-WS RI 2.3.0.2) does, checked against it by the differential
 * suite (test/metro/): well-formed XML, a root Envelope in the SOAP 1.1 namespace (another namespace is a
 * VersionMismatch), an optional Header then the Body, no mandatory header it does not understand, and the
 * Body's first element as the payload. Unlike Metro, any DTD is refused (SOAP 1.1 forbids one; it is kept
 * out for safety). libxml2 never loads external entities here and stops at 256 levels of nesting.
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

/**
 * `charset`: the Content-Type's charset, when it names one other than UTF-8 (charset.ts): the body is
 * decoded with it and the XML declaration's encoding is ignored, as Metro does.
 */
export function parseSoapRequest(received: Buffer, charset?: Charset): SoapRequest {
  const body = charset ? Buffer.from(charset.decode(received), 'utf8') : received;
  if (isBlank(body)) {
    throw new SoapFault('Client', MESSAGE_ERROR + 'Premature end of file.');
  }
  if (hasDoctype(body)) {
    throw new SoapFault('Client', MESSAGE_ERROR + 'a SOAP message must not contain a Document Type Declaration');
  }
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(body, { option: SAFE_PARSE, ...(charset ? { encoding: 'utf-8' } : {}) });
  } catch (err) {
    throw new SoapFault('Client', MESSAGE_ERROR + readerError(err));
  }
  try {
    if (doc.dtd)
      throw new SoapFault('Client', MESSAGE_ERROR + 'a SOAP message must not contain a Document Type Declaration');
    return { doc, payload: readEnvelope(doc.root) };
  } catch (err) {
    doc.dispose();
    throw err;
  }
}

const qname = (el: XmlElement) => `{${el.namespaceUri}}${el.name}`;

/**
 * The next child Metro's reader stops at (XMLStreamReaderUtil.nextElementContent): whitespace, comments and
 * processing instructions are skipped, other text is an error.
 */
function nextContent(node: XmlTreeNode | null): XmlElement | undefined {
  for (let n = node; n; n = n.next) {
    if (n instanceof XmlElement) return n;
    if ((n instanceof XmlText || n instanceof XmlCData) && !/^[ \t\r\n]*$/.test(n.content))
      throw new SoapFault('Server', `XML reader error: unexpected character content: "${n.content}"`);
  }
  return undefined;
}

/**
 * The Envelope read the way Metro's StreamSOAP11Codec reads it: the root must be a SOAP 1.1 Envelope, its
 * first element an optional Header and then the Body (anything after the Body is never looked at); header
 * blocks marked mustUnderstand are refused before dispatch; the Body's first element is the payload.
 */
function readEnvelope(env: XmlElement): XmlElement {
  if (env.name !== 'Envelope')
    throw new SoapFault(
      'Client',
      `Couldn't create SOAP message due to exception: unexpected XML tag. expected: {${SOAP11_ENVELOPE_NS}}Envelope but found: ${qname(env)}`,
    );
  if (env.namespaceUri !== SOAP11_ENVELOPE_NS)
    // Metro's text ends with a space
    throw new SoapFault(
      'VersionMismatch',
      `Couldn't create SOAP message. Expecting Envelope in namespace ${SOAP11_ENVELOPE_NS}, but got ${env.namespaceUri} `,
    );
  let part = nextContent(env.firstChild);
  const isSoap = (el: XmlElement | undefined, name: string) =>
    el?.name === name && el.namespaceUri === SOAP11_ENVELOPE_NS;
  const header = isSoap(part, 'Header') ? part : undefined;
  if (header) part = nextContent(header.next);
  if (!part || !isSoap(part, 'Body'))
    // at the Envelope's end tag, Metro names the Envelope as what it found
    throw new SoapFault(
      'Server',
      `unexpected XML tag. expected: {${SOAP11_ENVELOPE_NS}}Body but found: ${part ? qname(part) : qname(env)}`,
    );
  const payload = nextContent(part.firstChild);
  if (header) checkMustUnderstand(header);
  if (!payload) throw new SoapFault('Client', 'Cannot find dispatch method for {}');
  return payload;
}

/** Java's String.hashCode. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * Items in the order a java.util.HashSet of them iterates (Metro collects the refused headers in one and
 * prints it): by bucket of the spread hash in the table's final size, then in insertion order.
 */
export function javaHashSetOrder<T>(items: T[], hash: (item: T) => number): T[] {
  let capacity = 16;
  while (items.length > capacity * 0.75) capacity *= 2;
  const bucket = (item: T) => {
    const h = hash(item);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return items
    .map((item, i) => ({ item, i, b: bucket(item) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.item);
}

/**
 * Metro rejects a header block marked mustUnderstand, for its own role, that no handler understands; this
 * endpoint understands none. Metro reads the attribute as true when its value starts with "t" or "1".
 */
function checkMustUnderstand(header: XmlElement): void {
  const seen = new Set<string>();
  const misunderstood: { ns: string; local: string }[] = [];
  for (const h of elementChildren(header)) {
    const attr = (name: string) => h.attrs.find((a) => a.name === name && a.namespaceUri === SOAP11_ENVELOPE_NS)?.value;
    const mu = attr('mustUnderstand') ?? '';
    const actor = attr('actor');
    const forUs = !actor || actor === 'http://schemas.xmlsoap.org/soap/actor/next';
    const key = `{${h.namespaceUri}}${h.name}`;
    if (forUs && (mu.startsWith('t') || mu.startsWith('1')) && !seen.has(key)) {
      seen.add(key);
      misunderstood.push({ ns: h.namespaceUri, local: h.name });
    }
  }
  if (!misunderstood.length) return;
  // QName.hashCode and QName.toString
  const names = javaHashSetOrder(misunderstood, (q) => javaHash(q.ns) ^ javaHash(q.local)).map((q) =>
    q.ns ? `{${q.ns}}${q.local}` : q.local,
  );
  throw new SoapFault('MustUnderstand', `MustUnderstand headers:[${names.join(', ')}] are not understood`);
}
