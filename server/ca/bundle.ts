import { toPem } from './certificate.js';
import * as der from './der.js';
import { OID } from './oids.js';

/**
 * The shapes `collect` can return the certificate in (the wire profile's `certificateFormat`).
 * The live format is unconfirmed (wire-format.md section 5); the guide says "certificate in Base-64".
 */
export const CERTIFICATE_FORMATS = ['pkcs7', 'x509', 'pem-chain'] as const;
export type CertificateFormat = (typeof CERTIFICATE_FORMATS)[number];

/** A degenerate ("certs-only") PKCS#7 SignedData holding the certificates, in the order given. */
export function pkcs7CertsOnly(certs: readonly Buffer[]): Buffer {
  const signedData = der.seq(
    der.int(1),
    der.set(), // digestAlgorithms
    der.seq(der.oid(OID.pkcs7Data)), // encapContentInfo without content
    der.implicitConstructed(0, Buffer.concat(certs)), // certificates
    der.set(), // signerInfos
  );
  return der.seq(der.oid(OID.pkcs7SignedData), der.explicit(0, signedData));
}

/**
 * The certificate text for `collect`:
 *  - pkcs7: base64 (one line) of a DER PKCS#7 with leaf, issuing CA and root
 *  - x509: base64 (one line) of the leaf's DER
 *  - pem-chain: PEM certificates root first, leaf last, as the SSL service's formatType 0 answer
 */
export function formatCertificate(format: CertificateFormat, leaf: Buffer, issuing: Buffer, root: Buffer): string {
  // collect is polled: the same order's bundle is asked for again and again
  const key = format + leaf.toString('latin1');
  const hit = recent.get(key);
  if (hit && hit.issuing === issuing && hit.root === root) {
    recent.delete(key);
    recent.set(key, hit);
    return hit.text;
  }
  const text = format === 'x509' ? leaf.toString('base64') : bundle(format, leaf, issuing, root);
  recent.set(key, { issuing, root, text });
  if (recent.size > RECENT_BUNDLES) recent.delete(recent.keys().next().value!);
  return text;
}

/** The bundles made last, by format and leaf (the CA certificates compared by identity). */
const recent = new Map<string, { issuing: Buffer; root: Buffer; text: string }>();
const RECENT_BUNDLES = 256;

function bundle(format: CertificateFormat, leaf: Buffer, issuing: Buffer, root: Buffer): string {
  switch (format) {
    case 'pkcs7':
      return pkcs7CertsOnly([leaf, issuing, root]).toString('base64');
    case 'x509':
      return leaf.toString('base64');
    case 'pem-chain':
      return [root, issuing, leaf].map((c) => toPem(c, 'CERTIFICATE')).join('').trimEnd();
  }
}
