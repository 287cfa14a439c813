import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import {
  children,
  content,
  DerError,
  expectTag,
  raw,
  readBitStringOctets,
  readOid,
  readString,
  readWhole,
  type DerNode,
} from './der-reader.js';
import { ISO_3166_ALPHA2 } from './iso3166.js';
import { OID, RSA_SIGNATURE_HASH } from './oids.js';

/**
 * PKCS#10 intake, in the order the guide's enroll rules are checked:
 * base64 (-9), decoding (-10), key algorithm (-11), key size (-13), signature (-12), country (-7).
 * The CA reports *what* is wrong; the domain maps it to CCM's status codes.
 */

export type CsrProblem =
  'not-base64' | 'undecodable' | 'unsupported-algorithm' | 'unsupported-key-size' | 'bad-signature' | 'bad-country';

export class CsrRejected extends Error {
  constructor(
    readonly problem: CsrProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface SubjectAttribute {
  oid: string;
  value: string;
}

export interface ParsedCsr {
  der: Buffer;
  /** the subject's attributes, read for the guide's country rule (-7); the certificate's subject is not made from them */
  subject: SubjectAttribute[];
  /** raw DER SubjectPublicKeyInfo, copied into the certificate as-is */
  spki: Buffer;
  /** the subjectPublicKey BIT STRING's bytes, for the SubjectKeyIdentifier */
  publicKeyBits: Buffer;
  publicKey: KeyObject;
  keyBits: number;
  signatureAlgorithm: string;
}

/**
 * RSA modulus sizes a CSR may have: from 2048 bits, the S/MIME Baseline Requirements' floor (SBR 6.1.5, where
 * the guide's 2017 text still says 512), to the guide's 8192, in whole bytes (SBR 6.1.5).
 */
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;
/** The RSA public exponents a CA accepts (S/MIME BR 6.1.6: odd, and in 2^16+1 .. 2^256-1). */
const MIN_RSA_EXPONENT = 2n ** 16n + 1n;
const MAX_RSA_EXPONENT = 2n ** 256n - 1n;

const PEM_LINE = /-----(BEGIN|END) [^-\r\n]{1,64}-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The DER bytes of a CSR given as PEM (any label), or bare base64 on one line or many. */
export function csrBytes(input: string): Buffer {
  const body = input.replace(PEM_LINE, '').replace(/[\s]+/g, '');
  if (body.length === 0) throw new CsrRejected('not-base64', 'the CSR is empty');
  if (!BASE64.test(body) || body.length % 4 === 1) throw new CsrRejected('not-base64', 'the CSR is not base64');
  return Buffer.from(body, 'base64');
}

export function parseCsr(input: string, opts: { allowedKeyBits?: [number, number] } = {}): ParsedCsr {
  const der = csrBytes(input);
  let outer: DerNode[];
  let info: DerNode[];
  let sigAlgNode: DerNode;
  let sigNode: DerNode;
  let infoNode: DerNode;
  let subjectNode: DerNode;
  let spkiNode: DerNode;
  try {
    outer = children(expectTag(readWhole(der), 0x30, 'CertificationRequest'));
    if (outer.length !== 3) throw new DerError('CertificationRequest must have 3 parts');
    [infoNode, sigAlgNode, sigNode] = outer;
    info = children(expectTag(infoNode, 0x30, 'CertificationRequestInfo'));
    expectTag(info[0], 0x02, 'version');
    subjectNode = expectTag(info[1], 0x30, 'subject');
    spkiNode = expectTag(info[2], 0x30, 'subjectPKInfo');
    if (info[3] && info[3].tag !== 0xa0) throw new DerError('attributes must be [0]');
    expectTag(sigAlgNode, 0x30, 'signatureAlgorithm');
    expectTag(sigNode, 0x03, 'signature');
  } catch (err) {
    throw new CsrRejected('undecodable', `the CSR is not a PKCS#10 request: ${(err as Error).message}`);
  }

  let keyAlg: string;
  let publicKeyBits: Buffer;
  let subject: SubjectAttribute[];
  let signatureAlgorithm: string;
  let signature: Buffer;
  try {
    const [spkiAlg, spkiKey] = children(spkiNode);
    keyAlg = readOid(children(expectTag(spkiAlg, 0x30, 'algorithm'))[0]);
    publicKeyBits = readBitStringOctets(spkiKey);
    subject = readName(subjectNode);
    signatureAlgorithm = readOid(children(sigAlgNode)[0]);
    signature = readBitStringOctets(sigNode);
  } catch (err) {
    throw new CsrRejected('undecodable', `the CSR cannot be decoded: ${(err as Error).message}`);
  }

  if (keyAlg !== OID.rsaEncryption) {
    throw new CsrRejected('unsupported-algorithm', `the CSR's key algorithm ${keyAlg} is not rsaEncryption`);
  }
  let publicKey: KeyObject;
  try {
    publicKey = publicKeyFromSpki(raw(spkiNode));
  } catch (err) {
    throw new CsrRejected('undecodable', `the CSR's RSA public key cannot be read: ${(err as Error).message}`);
  }
  const keyBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  const [min, max] = opts.allowedKeyBits ?? [MIN_RSA_BITS, MAX_RSA_BITS];
  if (keyBits < min || keyBits > max || keyBits % 8 !== 0) {
    throw new CsrRejected(
      'unsupported-key-size',
      `the CSR's key has ${keyBits} bits; ${min}..${max} bits in whole bytes are accepted`,
    );
  }
  // before the signature is verified: a huge exponent makes that verification cost many times an enroll
  const exponent = publicKey.asymmetricKeyDetails?.publicExponent ?? 0n;
  if (exponent % 2n === 0n || exponent < MIN_RSA_EXPONENT || exponent > MAX_RSA_EXPONENT) {
    throw new CsrRejected(
      'unsupported-key-size',
      `the CSR's RSA public exponent (${exponent.toString(2).length} bits) is not an odd number from 2^16+1 to 2^256-1`,
    );
  }
  const hash = RSA_SIGNATURE_HASH[signatureAlgorithm];
  if (!hash) {
    throw new CsrRejected(
      'unsupported-algorithm',
      `the CSR's signature algorithm ${signatureAlgorithm} is not an RSA PKCS#1 v1.5 algorithm`,
    );
  }
  let valid: boolean;
  try {
    valid = verify(hash, raw(infoNode), publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new CsrRejected('bad-signature', 'the CSR signature does not verify');

  for (const attr of subject) {
    if (attr.oid === OID.countryName && !ISO_3166_ALPHA2.has(attr.value.toUpperCase())) {
      throw new CsrRejected('bad-country', `the CSR's country "${attr.value}" is not an ISO 3166 code`);
    }
  }

  return {
    der,
    subject,
    spki: raw(spkiNode),
    publicKeyBits,
    publicKey,
    keyBits,
    signatureAlgorithm,
  };
}

/**
 * The KeyObject of an RSA SubjectPublicKeyInfo, read as OpenSSL reads it. OpenSSL 3's DER decoder
 * (createPublicKey on the SPKI) costs ~0.25 ms per key, half an RSA-2048 signature, on every enroll; a
 * strictly DER-encoded key { modulus, publicExponent } is imported as a JWK instead, in a few microseconds.
 * Anything less regular goes to the decoder, so that odd keys are judged exactly as before.
 */
export function publicKeyFromSpki(spki: Buffer): KeyObject {
  let parts: [Buffer, Buffer] | undefined;
  try {
    const [algorithm, key] = children(expectTag(readWhole(spki), 0x30, 'SubjectPublicKeyInfo'));
    const rsaKey = children(expectTag(readWhole(readBitStringOctets(key)), 0x30, 'RSAPublicKey'));
    const algorithmParts = children(expectTag(algorithm, 0x30, 'AlgorithmIdentifier'));
    const nullParameters =
      algorithmParts.length === 1 ||
      (algorithmParts.length === 2 &&
        algorithmParts[1].tag === 0x05 &&
        algorithmParts[1].end === algorithmParts[1].contentStart);
    if (rsaKey.length === 2 && nullParameters && readOid(algorithmParts[0]) === OID.rsaEncryption) {
      parts = [strictPositiveInteger(rsaKey[0]), strictPositiveInteger(rsaKey[1])];
    }
  } catch {
    parts = undefined;
  }
  if (parts) {
    const [n, e] = parts;
    return createPublicKey({
      key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') },
      format: 'jwk',
    });
  }
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

/** The magnitude of a positive, minimally encoded DER INTEGER; anything else throws. */
function strictPositiveInteger(node: DerNode): Buffer {
  const bytes = content(expectTag(node, 0x02, 'INTEGER'));
  if (bytes.length === 0 || bytes[0] & 0x80) throw new DerError('not a positive INTEGER');
  if (bytes[0] === 0 && (bytes.length === 1 || !(bytes[1] & 0x80))) throw new DerError('zero, or padded');
  return bytes[0] === 0 ? bytes.subarray(1) : bytes;
}

function readName(nameNode: DerNode): SubjectAttribute[] {
  const subject: SubjectAttribute[] = [];
  for (const rdn of children(nameNode)) {
    expectTag(rdn, 0x31, 'RelativeDistinguishedName');
    const atvs = children(rdn);
    if (atvs.length === 0) throw new DerError('empty RelativeDistinguishedName');
    for (const atv of atvs) {
      const [type, value] = children(expectTag(atv, 0x30, 'AttributeTypeAndValue'));
      if (!value) throw new DerError('attribute without a value');
      subject.push({ oid: readOid(type), value: readString(value) });
    }
  }
  return subject;
}
