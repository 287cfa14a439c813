import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { ReaderCreationError, WstxError } from './metro-reader.js';

/**
 * Turning a request's bytes into text the way Metro does (checked against JAX-WS RI 2.3.0.2 by test/metro/).
 * A `charset` parameter in the Content-Type decodes the request (malformed bytes become U+FFFD; the XML
 * declaration's encoding is then ignored) and encodes the answer in the same charset, named in the answer's
 * Content-Type as the client wrote it and in the XML declaration as Metro's writer (Woodstox) normalises it.
 * Without the parameter the parser (Woodstox) reads bytes: a byte-order mark or the XML declaration names
 * the encoding, UTF-8 otherwise, and a byte that is not UTF-8 is an error; the answer is UTF-8.
 * A charset Java does not know is an HTTP 415. ccm-mock knows the UTF-8, UTF-16, ISO-8859-1, US-ASCII and
 * windows-1252 families and any other charset the platform's TextDecoder knows (answered in its ASCII
 * subset, other characters as character references); one it does not know gets the 415.
 */

export interface Charset {
  /** the name as the client wrote it (unquoted), for the answer's Content-Type */
  given: string;
  /** the name the answer's XML declaration carries */
  declared: string;
  /** UTF-8: the answer is Metro's usual one */
  utf8: boolean;
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
  utf8: false,
  decode: decoder,
  encode: (text) => Buffer.from(referencing(text, max), 'latin1'),
});

const utf16 = (given: string, declared: string, littleEndian: boolean, bom: boolean): Charset => ({
  given,
  declared,
  utf8: false,
  decode: (body) => {
    let le = littleEndian;
    let bytes = body;
    if (bom && body.length >= 2 && ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff))) {
      le = body[0] === 0xff;
      bytes = body.subarray(2);
    }
    return new TextDecoder(le ? 'utf-16le' : 'utf-16be', { ignoreBOM: true }).decode(bytes);
  },
  encode: (text) => {
    const bytes = Buffer.from(text, 'utf16le');
    if (!littleEndian) bytes.swap16();
    // Java's "UTF-16" encoder writes big-endian with a byte-order mark
    return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), bytes]) : bytes;
  },
});

/** Java's decoders keep a byte-order mark as U+FEFF; the reader decides what to make of it. */
const UTF8_DECODER = new TextDecoder('utf-8', { ignoreBOM: true });

const utf8 = (given: string, declared: string, standard: boolean): Charset => ({
  given,
  declared,
  utf8: standard,
  decode: (b) => UTF8_DECODER.decode(b),
  encode: (t) => Buffer.from(t, 'utf8'),
});

/** A charset by name; 'unsupported' when neither ccm-mock nor the platform knows it. */
function charsetNamed(given: string): Charset | 'unsupported' {
  const name = given.toLowerCase().replace(/_/g, '-');
  if (name === 'utf-8') return utf8(given, 'UTF-8', true);
  if (name === 'utf8') return utf8(given, 'UTF-8', false);
  if (name === 'utf-16') return utf16(given, 'UTF-16', false, true);
  if (name === 'utf-16le') return utf16(given, 'UTF-16LE', true, false);
  if (name === 'utf-16be') return utf16(given, 'UTF-16BE', false, false);
  if (/^iso-?8859-1$/.test(name)) return singleByte(given, 'ISO-8859-1', (b) => b.toString('latin1'), 0xff);
  if (name === 'us-ascii' || name === 'ascii')
    return singleByte(given, 'US-ASCII', (b) => b.toString('latin1').replace(/[\x80-\xff]/g, '\uFFFD'), 0x7f);
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(given, { ignoreBOM: true });
  } catch {
    return 'unsupported';
  }
  // Woodstox keeps a name it does not normalise as written; Java's cp1252 it calls IBM1252
  const declared = name === 'cp1252' ? 'IBM1252' : given;
  return singleByte(given, declared, (b) => decoder.decode(b), 0x7f);
}

/** The charset a request's Content-Type names: undefined when it names none, or 'unsupported'. */
export function requestCharset(contentType: string | undefined): Charset | 'unsupported' | undefined {
  const given = charsetParameter(contentType);
  return given === undefined ? undefined : charsetNamed(given);
}

/**
 * Bytes as Woodstox's byte-stream reader sees them (no charset in the Content-Type). `truncatedTail` is set
 * when the bytes end inside a UTF-8 sequence: the reader fails only if it reads that far. `asIs`: the bytes
 * are that text in UTF-8 already. Throws
 * ReaderCreationError for an encoding it cannot use, a WstxError for a byte that is not UTF-8.
 */
export function decodeBytes(body: Buffer): { text: string; truncatedTail?: string; asIs?: boolean } {
  if (body.length >= 2 && ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)))
    return { text: utf16('UTF-16', 'UTF-16', false, true).decode(body) };
  // the bootstrapper skips a UTF-8 byte-order mark when it has at least 4 bytes to look at
  const bom = body.length >= 4 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  const bytes = bom ? body.subarray(3) : body;
  const declared = /^<\?xml\s[^?>]*?encoding\s*=\s*["']([^"']*)["']/.exec(bytes.subarray(0, 200).toString('latin1'));
  if (declared && !/^utf-?8$/i.test(declared[1])) {
    const charset = charsetNamed(declared[1]);
    if (charset === 'unsupported' || /^utf-?16/i.test(declared[1]))
      throw new ReaderCreationError('Unable to create StAX reader or writer');
    return { text: charset.decode(bytes) };
  }
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), asIs: !bom };
  {
    // Woodstox's bootstrapper reads the XML declaration itself; its decoder counts from there
    const declaration = /^<\?xml\s[^>]*\?>/.exec(bytes.subarray(0, 200).toString('latin1'))?.[0].length ?? 0;
    return woodstoxUtf8(bytes, declaration);
  }
}

/**
 * UTF-8 the way Woodstox's own decoder reads it (only the lead byte decides the length; overlong forms and
 * encoded surrogates pass), with its messages for what it refuses.
 */
function woodstoxUtf8(bytes: Buffer, declaration: number): { text: string; truncatedTail?: string } {
  const units: number[] = [];
  const where = (extra: number) =>
    `(at char #${units.length - declaration + extra}, byte #${declaration ? declaration - 1 : -1})`;
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i];
    const need = c < 0x80 ? 0 : (c & 0xe0) === 0xc0 ? 1 : (c & 0xf0) === 0xe0 ? 2 : (c & 0xf8) === 0xf0 ? 3 : -1;
    const hex = (b: number) => '0x' + b.toString(16);
    if (need < 0) throw new WstxError('WstxIOException', `Invalid UTF-8 start byte ${hex(c)} ${where(1)}`);
    if (i + need >= bytes.length && need > 0) {
      const got = bytes.length - i;
      return {
        text: fromUnits(units),
        truncatedTail: `Unexpected EOF in the middle of a multi-byte char: got ${got}, needed ${need + 1}, at char #${units.length - declaration}, byte #${bytes.length})`,
      };
    }
    let value = need === 0 ? c : c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = bytes[i + k];
      if ((d & 0xc0) !== 0x80)
        throw new WstxError('WstxIOException', `Invalid UTF-8 middle byte ${hex(d)} ${where(0)}`);
      value = (value << 6) | (d & 0x3f);
    }
    if (value > 0xffff) {
      value -= 0x10000;
      units.push(0xd800 + (value >> 10), 0xdc00 + (value & 0x3ff));
    } else units.push(value);
    i += need + 1;
  }
  return { text: fromUnits(units) };
}

function fromUnits(units: number[]): string {
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}
