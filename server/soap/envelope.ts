import { XmlDocument, XmlElement } from 'libxml2-wasm';
import { SOAP11_ENVELOPE_NS } from '../../wsdl/contract.js';
import { elementChildren, SAFE_PARSE } from '../../wsdl/xml.js';
import { decodeBytes, type Charset } from './charset.js';
import { SoapFault } from './fault.js';
import {
  MetroXmlReader,
  ReaderCreationError,
  WstxError,
  WstxLazyError,
  type Attribute,
  type Token,
} from './metro-reader.js';

/**
 * Reading a SOAP 1.1 request the way Metro (JAX-WS RI 2.3.0.2) does, checked against it by the differential
 * suite (test/metro/). Metro reads lazily, and what it has read when something goes wrong decides the fault:
 * - the prolog and the root start tag (a reader error here: "Couldn't create SOAP message ..."); the root
 *   must be an Envelope (Client fault) in the SOAP 1.1 namespace (else VersionMismatch);
 * - an optional Header, its blocks read whole, then the Body (else "unexpected XML tag"), up to the first
 *   element inside it, the payload (Server faults "XML reader error: ...");
 * - header blocks marked mustUnderstand are refused, then the payload is dispatched by its name;
 * - JAXB reads the payload and one more token (an error there: "javax.xml.bind.UnmarshalException ...");
 *   for an operation without parameters Metro reads to the end of the document instead.
 * Anything after what Metro reads is never looked at. ccm-mock parses with libxml2; MetroXmlReader (Woodstox's
 * errors) walks the envelope's start on every request, and the rest only when libxml2 refused the document.
 * Unlike Metro, any DTD is refused (SOAP 1.1 forbids one; kept out for safety). libxml2 never loads external
 * entities here and stops at 256 levels of nesting.
 */

export interface SoapRequest {
  doc: XmlDocument;
  /** the first element of the Body: the operation wrapper */
  payload: XmlElement;
}

/** Whether a payload element names an operation: 'params' when it has any, 'none' for an empty wrapper. */
export type Dispatcher = (ns: string, local: string) => 'params' | 'none' | undefined;

const CREATE = "Couldn't create SOAP message due to exception: ";

/** True when the prolog (before the root element) declares a DOCTYPE; SOAP 1.1 section 3 forbids it. */
function hasDoctype(text: string): boolean {
  const doctype = text.indexOf('<!DOCTYPE');
  if (doctype < 0) return false;
  // a DOCTYPE after the root element starts would be inside content, where it is not a declaration
  const root = text.search(/<[A-Za-z_]/);
  return root < 0 || doctype < root;
}

/** The reader's error, framed as Metro frames it at the stage it happened. */
function framed(err: unknown, frame: (message: string) => SoapFault): unknown {
  return err instanceof WstxError ? frame(err.message) : err;
}

const qnameOf = (t: { ns: string; local: string }) => `{${t.ns}}${t.local}`;

/**
 * `charset`: the Content-Type's charset (charset.ts): the body is decoded with it and the XML declaration's
 * encoding is ignored, as Metro does; without one the bytes are read as Woodstox reads them.
 */
export function parseSoapRequest(received: Buffer, charset: Charset | undefined, dispatch: Dispatcher): SoapRequest {
  let decoded: { text: string; truncatedTail?: string; asIs?: boolean };
  let reader: MetroXmlReader;
  try {
    decoded = charset ? { text: charset.decode(received) } : decodeBytes(received);
    if (hasDoctype(decoded.text.slice(0, 4096)))
      throw new SoapFault(
        'Client',
        CREATE + 'XML reader error: a SOAP message must not contain a Document Type Declaration',
      );
    reader = new MetroXmlReader(decoded.text, decoded.truncatedTail);
  } catch (err) {
    if (err instanceof ReaderCreationError) throw new SoapFault('Client', CREATE + err.message);
    throw framed(err, (m) => new SoapFault('Client', CREATE + 'XML reader error: ' + m));
  }
  const payload = readToPayload(reader, dispatch);
  // libxml2 reads the text as decoded here; the reader's position says how much of it Metro would have read
  const source = decoded.asIs ? received : Buffer.from(decoded.text, 'utf8');
  let doc: XmlDocument;
  try {
    // bytes cut inside a character at the end: lost on libxml2, met by Metro if it reads to the end
    if (decoded.truncatedTail !== undefined && payload.kind === 'none') throw new Error('truncated');
    doc = XmlDocument.fromBuffer(source, { option: SAFE_PARSE, encoding: 'utf-8' });
  } catch (err) {
    doc = readWhatMetroReads(reader, payload, decoded.text, err);
  }
  return { doc, payload: payloadElement(doc) };
}

/** The payload in a document the reader has found well-shaped: the Body's first element. */
function payloadElement(doc: XmlDocument): XmlElement {
  const parts = elementChildren(doc.root);
  const body = parts[0]?.name === 'Header' ? parts[1] : parts[0];
  const payload = body && elementChildren(body)[0];
  if (!payload) {
    doc.dispose();
    throw new SoapFault('Server', 'Internal error in ccm-mock: no payload in the parsed request');
  }
  return payload;
}

interface PayloadStart {
  token: Extract<Token, { type: 'start' }>;
  kind: 'params' | 'none';
}

/**
 * Metro's decode, MU check and dispatch: the reader walks from the prolog to the payload's start tag.
 * Throws the SoapFault Metro would answer; returns the payload's start tag and its kind.
 */
function readToPayload(reader: MetroXmlReader, dispatch: Dispatcher): PayloadStart {
  let root: Token;
  try {
    root = reader.next();
  } catch (err) {
    throw framed(err, (m) => new SoapFault('Client', CREATE + 'XML reader error: ' + m));
  }
  if (root.type !== 'start') throw new SoapFault('Client', CREATE + 'XML reader error: no root element');
  if (root.local !== 'Envelope')
    throw new SoapFault(
      'Client',
      `${CREATE}unexpected XML tag. expected: {${SOAP11_ENVELOPE_NS}}Envelope but found: ${qnameOf(root)}`,
    );
  if (root.ns !== SOAP11_ENVELOPE_NS)
    // Metro's text ends with a space
    throw new SoapFault(
      'VersionMismatch',
      `Couldn't create SOAP message. Expecting Envelope in namespace ${SOAP11_ENVELOPE_NS}, but got ${root.ns} `,
    );
  const readerError = (m: string) => new SoapFault('Server', 'XML reader error: ' + m);
  const isSoap = (t: Token, name: string) => t.type === 'start' && t.local === name && t.ns === SOAP11_ENVELOPE_NS;
  const blocks: { ns: string; local: string; attrs: Attribute[] }[] = [];
  let payload: Token;
  try {
    let part = nextElementContent(reader);
    if (isSoap(part, 'Header')) {
      for (let block = nextElementContent(reader); block.type === 'start'; block = nextElementContent(reader)) {
        blocks.push(block);
        bufferElement(reader);
      }
      part = nextElementContent(reader);
    }
    if (!isSoap(part, 'Body')) {
      const found = part.type === 'start' || part.type === 'end' ? qnameOf(part) : '';
      throw new SoapFault('Server', `unexpected XML tag. expected: {${SOAP11_ENVELOPE_NS}}Body but found: ${found}`);
    }
    payload = nextElementContent(reader);
  } catch (err) {
    throw framed(err, readerError);
  }
  checkMustUnderstand(blocks);
  if (payload.type !== 'start') throw new SoapFault('Client', 'Cannot find dispatch method for {}');
  const kind = dispatch(payload.ns, payload.local);
  if (!kind) throw new SoapFault('Client', `Cannot find dispatch method for ${qnameOf(payload)}`);
  return { token: payload, kind };
}

/** XMLStreamReaderUtil.nextElementContent: the next start or end tag; whitespace, comments and PIs skipped. */
function nextElementContent(reader: MetroXmlReader): Token {
  for (;;) {
    const t = reader.next();
    if (t.type === 'start' || t.type === 'end' || t.type === 'eof') return t;
    if (t.type === 'text' && !/^[ \t\r\n]*$/.test(t.text))
      throw new SoapFault('Server', `XML reader error: unexpected character content: "${t.text}"`);
  }
}

/** Read on to the end tag of the element whose start tag was just read. */
function skipElement(reader: MetroXmlReader): void {
  for (let depth = 1; depth > 0;) {
    const t = reader.next();
    if (t.type === 'start') depth++;
    else if (t.type === 'end') depth--;
  }
}

/** A header block is copied into a buffer whole; a reader error there reaches the fault unwrapped. */
function bufferElement(reader: MetroXmlReader): void {
  try {
    skipElement(reader);
  } catch (err) {
    throw framed(err, (m) => new SoapFault('Server', m));
  }
}

/**
 * libxml2 refused the document: read on as Metro would (the payload and one token more, or to the end for
 * an operation without parameters). A reader error there is Metro's fault; none means Metro never reads
 * the broken part, so the document is cut after the payload and closed, and libxml2 reads that.
 */
function readWhatMetroReads(
  reader: MetroXmlReader,
  payload: PayloadStart,
  text: string,
  parseError: unknown,
): XmlDocument {
  let end: number;
  let open: string[];
  reader.lazyText = payload.kind === 'params';
  try {
    skipElement(reader);
    end = reader.offset;
    open = reader.openElements();
    if (payload.kind === 'params') reader.skipLazily();
    else while (reader.next().type !== 'eof');
  } catch (err) {
    if (err instanceof WstxLazyError) throw new SoapFault('Server', err.message);
    throw framed(err, (m) =>
      payload.kind === 'params'
        ? new SoapFault('Server', `javax.xml.bind.UnmarshalException\n - with linked exception:\n[${m}]`)
        : new SoapFault('Server', 'XML reader error: ' + m),
    );
  }
  // Woodstox lets U+FFFE, U+FFFF and lone surrogates through where libxml2 refuses them
  const closed = (
    text.slice(0, end) +
    [...open]
      .reverse()
      .map((q) => `</${q}>`)
      .join('')
  ).replace(/[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  try {
    return XmlDocument.fromBuffer(Buffer.from(closed, 'utf8'), { option: SAFE_PARSE, encoding: 'utf-8' });
  } catch {
    // something libxml2 refuses and Woodstox does not (nesting past 256 levels, say)
    throw new SoapFault('Client', CREATE + 'XML reader error: ' + firstLine(parseError));
  }
}

/** libxml2's complaint, one line, without its "Entity: line 1:" noise. */
function firstLine(err: unknown): string {
  const text = (err as Error).message ?? String(err);
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)[0] ?? 'unreadable XML'
  );
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
function javaHashSetOrder<T>(items: T[], hash: (item: T) => number): T[] {
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
function checkMustUnderstand(blocks: { ns: string; local: string; attrs: Attribute[] }[]): void {
  const seen = new Set<string>();
  const misunderstood: { ns: string; local: string }[] = [];
  for (const h of blocks) {
    const attr = (name: string) => h.attrs.find((a) => a.local === name && a.ns === SOAP11_ENVELOPE_NS)?.value;
    const mu = attr('mustUnderstand') ?? '';
    const actor = attr('actor');
    const forUs = !actor || actor === 'http://schemas.xmlsoap.org/soap/actor/next';
    const key = qnameOf(h);
    if (forUs && (mu.startsWith('t') || mu.startsWith('1')) && !seen.has(key)) {
      seen.add(key);
      misunderstood.push(h);
    }
  }
  if (!misunderstood.length) return;
  // QName.hashCode and QName.toString
  const names = javaHashSetOrder(misunderstood, (q) => javaHash(q.ns) ^ javaHash(q.local)).map((q) =>
    q.ns ? `{${q.ns}}${q.local}` : q.local,
  );
  throw new SoapFault('MustUnderstand', `MustUnderstand headers:[${names.join(', ')}] are not understood`);
}
