import { X509Certificate, type KeyObject } from 'node:crypto';
import { keyIdentifier, toPem } from './certificate.js';
import { extensionsOf, tbsFields } from './cert-fields.js';
import { children, content, raw, readBitStringOctets, readOid, readWhole } from './der-reader.js';
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
  const { fields: tbs, offset } = tbsFields(derBytes);
  const subject = raw(tbs[offset + 4]);
  const spki = children(tbs[offset + 5]);
  let keyId = keyIdentifier(readBitStringOctets(spki[1]));
  for (const e of extensionsOf(tbs)) {
    const parts = children(e);
    if (readOid(parts[0]) === OID.subjectKeyIdentifier) {
      keyId = content(readWhole(content(parts[parts.length - 1])));
    }
  }
  const x509 = new X509Certificate(derBytes);
  if (key && !x509.checkPrivateKey(key)) throw new Error(`the private key does not belong to ${x509.subject}`);
  return { der: derBytes, pem: toPem(derBytes, 'CERTIFICATE'), x509, subject, keyId, key };
}
