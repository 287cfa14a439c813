/**
 * A DER reader for the few structures the CA reads (PKCS#10 requests, names, OCSP requests, its own certificates).
 * Every accessor checks bounds; malformed input raises DerError, never a RangeError from deep inside.
 *
 * What "DER" means here, exactly. Enforced (X.690 section 10 on top of BER): one-octet tags; definite lengths only
 * (no indefinite length); the shortest length form (short form below 128, no leading zero octet in the long form,
 * at most 4 length octets); nothing after the outermost value; OID subidentifiers without a leading 0x80 octet;
 * BIT STRINGs of whole octets where keys and signatures are read; minimal positive INTEGERs where RSA keys are read
 * (csr.ts). Not checked: the value rules the CA never relies on (BOOLEAN TRUE as 0xFF, the order of a SET OF in a
 * multi-valued RDN, DEFAULT values left out). A CSR that breaks an enforced rule is "cannot be decoded" (-10): the CA
 * copies the request's SubjectPublicKeyInfo byte for byte into the certificate, which must be DER.
 * (OpenSSL 3 reads such BER requests; Go's encoding/asn1 refuses them. docs/ca.md says why the mock refuses.)
 */

export class DerError extends Error {}

export interface DerNode {
  tag: number;
  /** offset of the tag byte in `buf` */
  start: number;
  /** offset of the first content byte */
  contentStart: number;
  /** offset just past the content */
  end: number;
  buf: Buffer;
}

export function readNode(buf: Buffer, offset = 0, limit = buf.length): DerNode {
  if (offset + 2 > limit) throw new DerError('truncated: no room for a tag and length');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let len = buf[offset + 1];
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 4) throw new DerError('length too large');
    if (pos + n > limit) throw new DerError('truncated length');
    if (buf[pos] === 0) throw new DerError('a length with a leading zero octet is not DER (not the shortest form)');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos + i];
    if (len < 0x80) throw new DerError(`the long form for length ${len} is not DER (not the shortest form)`);
    pos += n;
  }
  if (pos + len > limit) throw new DerError('truncated: content runs past its container');
  return { tag, start: offset, contentStart: pos, end: pos + len, buf };
}

/** The node at the very start of `buf`, which must be all of `buf`. */
export function readWhole(buf: Buffer): DerNode {
  const node = readNode(buf, 0);
  if (node.end !== buf.length) throw new DerError('trailing bytes after the DER structure');
  return node;
}

export function children(node: DerNode): DerNode[] {
  if (!(node.tag & 0x20)) throw new DerError(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  for (let pos = node.contentStart; pos < node.end;) {
    const child = readNode(node.buf, pos, node.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) throw new DerError(`${what} missing`);
  if (node.tag !== tag)
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  return node;
}

export const raw = (n: DerNode): Buffer => n.buf.subarray(n.start, n.end);
export const content = (n: DerNode): Buffer => n.buf.subarray(n.contentStart, n.end);

export function readOid(node: DerNode): string {
  expectTag(node, 0x06, 'OBJECT IDENTIFIER');
  const bytes = content(node);
  if (bytes.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const arcs: Array<number | bigint> = [];
  // arcs are numbers while they fit in 2^53 (all real ones do), BigInt beyond
  let v: number | bigint = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x80 && (i === 0 || !(bytes[i - 1] & 0x80)))
      throw new DerError('OBJECT IDENTIFIER subidentifier with a leading 0x80 octet');
    const low = bytes[i] & 0x7f;
    if (typeof v === 'number' && v < 2 ** 45) v = v * 128 + low;
    else v = (BigInt(v) << 7n) | BigInt(low);
    if (!(bytes[i] & 0x80)) {
      arcs.push(v);
      v = 0;
    } else if (i === bytes.length - 1) throw new DerError('OBJECT IDENTIFIER ends inside an arc');
  }
  const head = arcs[0];
  const first = head < 80 ? Math.floor(Number(head) / 40) : 2;
  const second = typeof head === 'bigint' ? head - BigInt(first * 40) : head - first * 40;
  return [first, second, ...arcs.slice(1)].join('.');
}

/** A BIT STRING's bytes, requiring whole octets (keys and signatures). */
export function readBitStringOctets(node: DerNode): Buffer {
  expectTag(node, 0x03, 'BIT STRING');
  const bytes = content(node);
  if (bytes.length === 0 || bytes[0] !== 0) throw new DerError('BIT STRING with unused bits');
  return bytes.subarray(1);
}

/** Text of a DirectoryString-like value (UTF8String, PrintableString, IA5String, T61String, BMPString). */
export function readString(node: DerNode): string {
  const bytes = content(node);
  switch (node.tag) {
    case 0x0c:
      return bytes.toString('utf8');
    case 0x1e: {
      // BMPString: UTF-16BE
      if (bytes.length % 2) throw new DerError('BMPString of odd length');
      const swapped = Buffer.from(bytes);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    default:
      return bytes.toString('latin1');
  }
}
