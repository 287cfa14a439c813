import {
  children,
  content,
  expectTag,
  raw,
  readBitStringOctets,
  readOid,
  readWhole,
  type DerNode,
} from './der-reader.js';
import { OID } from './oids.js';

/** Fields of a certificate read straight from its DER: the few revocation needs, and the TBSCertificate's parts. */

/** The TBSCertificate's fields; `offset` is where the serial is (1 after an explicit [0] version, else 0). */
export function tbsFields(certDer: Buffer): { fields: DerNode[]; offset: number } {
  const fields = children(expectTag(children(readWhole(certDer))[0], 0x30, 'tbsCertificate'));
  return { fields, offset: fields[0]?.tag === 0xa0 ? 1 : 0 };
}

/** The Extension nodes of a TBSCertificate's [3] extensions (none without it). */
export function extensionsOf(fields: readonly DerNode[]): DerNode[] {
  const extsNode = fields.find((n) => n.tag === 0xa3);
  return extsNode ? children(children(extsNode)[0]) : [];
}

/** raw DER of the issuer Name */
export function issuerNameOf(certDer: Buffer): Buffer {
  const { fields, offset } = tbsFields(certDer);
  return raw(expectTag(fields[offset + 2], 0x30, 'issuer'));
}

/** the subjectPublicKey BIT STRING's bytes (what OCSP's issuerKeyHash hashes) */
export function publicKeyBitsOf(certDer: Buffer): Buffer {
  const { fields, offset } = tbsFields(certDer);
  return readBitStringOctets(children(expectTag(fields[offset + 5], 0x30, 'subjectPublicKeyInfo'))[1]);
}

/** the keyIdentifier of the AuthorityKeyIdentifier extension, if there is one */
export function authorityKeyIdOf(certDer: Buffer): Buffer | undefined {
  for (const e of extensionsOf(tbsFields(certDer).fields)) {
    const parts = children(e);
    if (readOid(parts[0]) !== OID.authorityKeyIdentifier) continue;
    const keyId = children(readWhole(content(parts[parts.length - 1]))).find((n) => n.tag === 0x80);
    return keyId && content(keyId);
  }
  return undefined;
}

/**
 * Whether `certDer` was signed by the CA with this subject and key identifier. Generated CAs all carry the
 * same names, so the key identifier decides; the name is the fallback for a certificate without an AKI.
 */
export function isIssuedBy(certDer: Buffer, ca: { subject: Buffer; keyId: Buffer }): boolean {
  try {
    const aki = authorityKeyIdOf(certDer);
    return aki ? aki.equals(ca.keyId) : issuerNameOf(certDer).equals(ca.subject);
  } catch {
    return false;
  }
}

/** Whether a certificate carries the extension with this OID. */
export function hasExtension(certDer: Buffer, oid: string): boolean {
  return extensionsOf(tbsFields(certDer).fields).some((e) => readOid(children(e)[0]) === oid);
}
