/**
 * A minimal DER writer. Certificates, CRLs and PKCS#7 bundles are built from these pieces directly:
 * issuing a certificate is then a few buffer concatenations and one signature, with no ASN.1 object model
 * in between (the issuance path is on every enroll, see the benchmark).
 */

/** Bytes of a DER length field for `len`. */
function lengthSize(len: number): number {
  if (len < 0x80) return 1;
  let n = 1;
  for (let v = len; v > 0xff; v = Math.floor(v / 256)) n++;
  return 1 + n;
}

/** Write tag and length at the start of `out`; returns the offset of the content. */
function writeHeader(out: Buffer, tag: number, len: number): number {
  out[0] = tag;
  const size = lengthSize(len);
  if (size === 1) out[1] = len;
  else {
    out[1] = 0x80 | (size - 1);
    for (let i = size, v = len; i >= 2; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  }
  return 1 + size;
}

// One allocation per element: issuance builds a certificate from ~60 of them on every enroll.
export function tlv(tag: number, content: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + lengthSize(content.length) + content.length);
  content.copy(out, writeHeader(out, tag, content.length));
  return out;
}

function constructed(tag: number, items: Buffer[]): Buffer {
  let len = 0;
  for (const item of items) len += item.length;
  const out = Buffer.allocUnsafe(1 + lengthSize(len) + len);
  let at = writeHeader(out, tag, len);
  for (const item of items) at += item.copy(out, at);
  return out;
}

export const seq = (...items: Buffer[]): Buffer => constructed(0x30, items);
export const set = (...items: Buffer[]): Buffer => constructed(0x31, items);
export const nul = (): Buffer => Buffer.from([0x05, 0x00]);
export const bool = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);
export const octets = (content: Buffer): Buffer => tlv(0x04, content);
export const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const printable = (s: string): Buffer => tlv(0x13, Buffer.from(s, 'latin1'));
export const ia5 = (s: string): Buffer => tlv(0x16, Buffer.from(s, 'latin1'));

/** [n] EXPLICIT: constructed context tag around a complete element */
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);
/** [n] IMPLICIT on a primitive type: context tag, primitive, over raw content */
export const implicitPrimitive = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);
/** [n] IMPLICIT on a constructed type: context tag, constructed, over raw content */
export const implicitConstructed = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content);

/** INTEGER from a non-negative bigint, or from a big-endian unsigned magnitude. */
export function int(value: bigint | number | Buffer): Buffer {
  let bytes: Buffer;
  if (Buffer.isBuffer(value)) {
    let i = 0;
    while (i < value.length - 1 && value[i] === 0) i++;
    bytes = value.subarray(i);
  } else {
    let hex = BigInt(value).toString(16);
    if (hex.length % 2) hex = '0' + hex;
    bytes = Buffer.from(hex, 'hex');
  }
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

/** ENUMERATED (CRLReason, OCSPResponseStatus): small non-negative values only */
export const enumerated = (value: number): Buffer => tlv(0x0a, int(value).subarray(2));

export function bitString(content: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));
}

/** A named-bit BIT STRING (KeyUsage, ReasonFlags) from bit positions, trailing zero bits removed as DER requires. */
export function namedBits(bits: Iterable<number>): Buffer {
  const set = [...bits];
  if (set.length === 0) return bitString(Buffer.alloc(0));
  const max = Math.max(...set);
  const bytes = Buffer.alloc(Math.floor(max / 8) + 1);
  for (const b of set) bytes[b >> 3] |= 0x80 >> (b & 7);
  return bitString(bytes, 7 - (max & 7));
}

const oidCache = new Map<string, Buffer>();
export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const parts = dotted.split('.').map((p) => BigInt(p));
  const arcs = [parts[0] * 40n + parts[1], ...parts.slice(2)];
  const out: number[] = [];
  for (const arc of arcs) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] |= 0x80;
    out.push(...chunk);
  }
  const encoded = tlv(0x06, Buffer.from(out));
  oidCache.set(dotted, encoded);
  return encoded;
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5); whole seconds, Zulu. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(digits.slice(2), 'latin1'));
  return tlv(0x18, Buffer.from(digits, 'latin1'));
}

export function generalizedTime(date: Date): Buffer {
  const digits = date.toISOString().slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  return tlv(0x18, Buffer.from(digits, 'latin1'));
}

/** AlgorithmIdentifier with NULL parameters (the RSA family) */
export function algorithm(dotted: string, params: Buffer | null = nul()): Buffer {
  return params ? seq(oid(dotted), params) : seq(oid(dotted));
}
