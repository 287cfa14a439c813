import { TextDecoder } from 'node:util';

/**
 * The request's charset, as Metro uses it (checked against JAX-WS RI 2.3.0.2 by test/metro/): a `charset`
 * parameter in the Content-Type decodes the request (malformed bytes become U+FFFD; the XML declaration's
 * encoding is then ignored) and encodes the answer in the same charset, named in the answer's Content-Type
 * as the client wrote it and in the XML declaration as Metro's writer (Woodstox) normalises it. Without the
 * parameter, or with UTF-8, the parser detects the encoding and the answer is UTF-8. A charset Java does not
 * know is an HTTP 415. ccm-mock knows the UTF-8, UTF-16, ISO-8859-1, US-ASCII and windows-1252 families and
 * any other charset the platform's TextDecoder knows (answered in its ASCII subset, other characters as
 * character references); one it does not know gets the 415.
 */

export interface Charset {
  /** the name as the client wrote it (unquoted), for the answer's Content-Type */
  given: string;
  /** the name the answer's XML declaration carries */
  declared: string;
  decode(body: Buffer): string;
  encode(text: string): Buffer;
}

/** The charset parameter of a Content-Type, unquoted; undefined when there is none or it is empty. */
export function charsetParameter(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const value = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    return value || undefined;
  }
  return undefined;
}

/** Characters outside `max` written as character references (the answers are XML text, so that is safe). */
function referencing(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code > max ? `&#${code};` : ch;
  }
  return out;
}

const singleByte = (given: string, declared: string, decoder: (b: Buffer) => string, max: number): Charset => ({
  given,
  declared,
  decode: decoder,
  encode: (text) => Buffer.from(referencing(text, max), 'latin1'),
});

const utf16 = (given: string, declared: string, littleEndian: boolean, bom: boolean): Charset => ({
  given,
  declared,
  decode: (body) => {
    let le = littleEndian;
    let bytes = body;
    if (bom && body.length >= 2 && ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff))) {
      le = body[0] === 0xff;
      bytes = body.subarray(2);
    }
    return new TextDecoder(le ? 'utf-16le' : 'utf-16be').decode(bytes);
  },
  encode: (text) => {
    const bytes = Buffer.from(text, 'utf16le');
    if (!littleEndian) bytes.swap16();
    // Java's "UTF-16" encoder writes big-endian with a byte-order mark
    return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), bytes]) : bytes;
  },
});

const UTF8_DECODER = new TextDecoder('utf-8');

/**
 * The charset a request names, or `undefined` for UTF-8 (Metro's default answer), or 'unsupported'.
 */
export function requestCharset(contentType: string | undefined): Charset | 'unsupported' | undefined {
  const given = charsetParameter(contentType);
  if (given === undefined || given.toLowerCase() === 'utf-8') return undefined;
  const name = given.toLowerCase().replace(/_/g, '-');
  if (name === 'utf8')
    return { given, declared: 'UTF-8', decode: (b) => UTF8_DECODER.decode(b), encode: (t) => Buffer.from(t, 'utf8') };
  if (name === 'utf-16') return utf16(given, 'UTF-16', false, true);
  if (name === 'utf-16le') return utf16(given, 'UTF-16LE', true, false);
  if (name === 'utf-16be') return utf16(given, 'UTF-16BE', false, false);
  if (/^iso-?8859-1$/.test(name)) return singleByte(given, 'ISO-8859-1', (b) => b.toString('latin1'), 0xff);
  if (name === 'us-ascii' || name === 'ascii')
    return singleByte(given, 'US-ASCII', (b) => b.toString('latin1').replace(/[\x80-\xff]/g, '\uFFFD'), 0x7f);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(given);
  } catch {
    return 'unsupported';
  }
  // Woodstox keeps a name it does not normalise as written; Java's cp1252 it calls IBM1252
  const declared = name === 'cp1252' ? 'IBM1252' : given;
  return singleByte(given, declared, (b) => decoder.decode(b), 0x7f);
}
