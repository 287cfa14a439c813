import { tbsFields } from './cert-fields.js';
import { publicKeyFromSpki, type ParsedCsr } from './csr.js';
import { children, expectTag, raw, readBitStringOctets, readWhole } from './der-reader.js';

/**
 * What the CA needs of a request when there is only a key: a renewal is issued for the renewed certificate's key
 * ("using the CSR and parameters of the initial certificate"), and the CSR itself is not kept once a certificate
 * is issued. The key was checked when that CSR was; the subject is made from validated data, never a CSR's.
 */
export function requestForKey(spki: Buffer): ParsedCsr {
  const [, key] = children(expectTag(readWhole(spki), 0x30, 'SubjectPublicKeyInfo'));
  const publicKey = publicKeyFromSpki(spki);
  return {
    der: Buffer.alloc(0),
    subject: [],
    spki,
    publicKeyBits: readBitStringOctets(key),
    publicKey,
    keyBits: publicKey.asymmetricKeyDetails?.modulusLength ?? 0,
    signatureAlgorithm: '',
  };
}

/** A certificate's SubjectPublicKeyInfo, as raw DER. */
export function spkiOf(certDer: Buffer): Buffer {
  const { fields, offset } = tbsFields(certDer);
  return Buffer.from(raw(expectTag(fields[offset + 5], 0x30, 'subjectPublicKeyInfo')));
}
