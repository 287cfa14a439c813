import { X509Certificate, type KeyObject } from 'node:crypto';
import { keyIdentifier, toPem } from './certificate.js';
import { children, content, expectTag, raw, readBitStringOctets, readOid, readWhole } from './der-reader.js';
import { OID } from './oids.js';

/** A CA certificate with the parts the CA reuses when it signs: its subject and key identifier. */
export interface CaCertificate {
  der: Buffer;
  pem: string;
  x509: X509Certificate;
  /** raw DER of the subject Name, used verbatim as the issuer of what this CA signs */
  subject: Buffer;
  /** SubjectKeyIdentifier, used as the AuthorityKeyIdentifier of what this CA signs */
  keyId: Buffer;
  key?: KeyObject;
}

/** Read a CA certificate's subject and key identifier. */
export function caCertificate(derBytes: Buffer, key?: KeyObject): CaCertificate {
  const tbs = children(expectTag(children(readWhole(derBytes))[0], 0x30, 'tbsCertificate'));
  const offset = tbs[0].tag === 0xa0 ? 1 : 0;
  const subject = raw(tbs[offset + 4]);
  const spki = children(tbs[offset + 5]);
  let keyId = keyIdentifier(readBitStringOctets(spki[1]));
  const extsNode = tbs.find((n) => n.tag === 0xa3);
  for (const e of extsNode ? children(children(extsNode)[0]) : []) {
    const parts = children(e);
    if (readOid(parts[0]) === OID.subjectKeyIdentifier) {
      keyId = content(readWhole(content(parts[parts.length - 1])));
    }
  }
  const x509 = new X509Certificate(derBytes);
  if (key && !x509.checkPrivateKey(key)) throw new Error(`the private key does not belong to ${x509.subject}`);
  return { der: derBytes, pem: toPem(derBytes, 'CERTIFICATE'), x509, subject, keyId, key };
}
