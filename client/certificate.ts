import 'reflect-metadata';
import {
  BasicConstraintsExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  X509Certificate,
  X509Certificates,
} from '@peculiar/x509';

/**
 * The certificate `collect` returns, whatever shape the service uses. The guide says only "certificate in
 * Base-64" and no live sample is public (docs/wire-fidelity.md), so the reading is defensive:
 * PEM text (one or more CERTIFICATE / PKCS7 blocks), else base64 of DER that is an X.509 certificate or a
 * PKCS#7 bundle, or base64 of PEM text (as the SSL service's collectRenewed answers).
 */

/** pem: PEM certificates; pkcs7-pem: a PEM PKCS7 block; x509 / pkcs7: base64 of DER */
export type CollectedFormat = 'pem' | 'pkcs7-pem' | 'x509' | 'pkcs7';

export interface CollectedCertificate {
  /** the end-entity certificate */
  leaf: X509Certificate;
  /** the issuers the answer carried, leaf's issuer first (root last when present); empty for a bare X.509 */
  chain: X509Certificate[];
  /** how the service encoded it */
  format: CollectedFormat;
  /** leaf serial number, lower-case hex (what revokeBySerialNumber takes) */
  serialNumber: string;
  /** e-mail addresses in the leaf's subjectAltName */
  emails: string[];
  /** PEM of the leaf */
  leafPem: string;
  /** PEM of the leaf followed by its chain */
  fullChainPem: string;
  /** the text exactly as collect returned it */
  raw: string;
}

export class CertificateFormatError extends Error {}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;

function decodeBase64Strict(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!compact || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function fromDer(der: Buffer): { certs: X509Certificate[]; format: CollectedFormat } {
  // X.509 first: a PKCS#7 ContentInfo never parses as a Certificate
  try {
    return { certs: [new X509Certificate(der)], format: 'x509' };
  } catch {
    // not a certificate
  }
  try {
    const bundle = new X509Certificates(der);
    if (bundle.length) return { certs: [...bundle], format: 'pkcs7' };
  } catch {
    // not PKCS#7 either
  }
  throw new CertificateFormatError('the base64 data is neither an X.509 certificate nor a PKCS#7 bundle');
}

function fromPem(text: string): { certs: X509Certificate[]; format: CollectedFormat } {
  const certs: X509Certificate[] = [];
  let format: CollectedFormat = 'pem';
  for (const m of text.matchAll(PEM_BLOCK)) {
    const der = decodeBase64Strict(m[2]);
    if (!der) throw new CertificateFormatError(`the PEM block "${m[1]}" is not base64`);
    if (m[1] === 'CERTIFICATE' || m[1] === 'X509 CERTIFICATE' || m[1] === 'TRUSTED CERTIFICATE')
      certs.push(new X509Certificate(der));
    else if (m[1] === 'PKCS7' || m[1] === 'CMS' || m[1] === 'PKCS #7 SIGNED DATA') {
      certs.push(...new X509Certificates(der));
      format = 'pkcs7-pem';
    }
  }
  if (!certs.length) throw new CertificateFormatError('the PEM text holds no certificate');
  return { certs, format };
}

const isCa = (c: X509Certificate) => c.getExtension(BasicConstraintsExtension)?.ca === true;

/** Leaf first, then each issuer as found in the set; certificates that belong to no path are appended. */
export function orderChain(certs: readonly X509Certificate[]): X509Certificate[] {
  if (certs.length <= 1) return [...certs];
  const issuesAnother = (c: X509Certificate) =>
    certs.some((o) => o !== c && o.issuer === c.subject && o.subject !== c.subject);
  const leaf = certs.find((c) => !isCa(c) && !issuesAnother(c)) ?? certs.find((c) => !issuesAnother(c)) ?? certs[0];
  const ordered = [leaf];
  for (let current = leaf; current.issuer !== current.subject;) {
    const issuer = certs.find((c) => !ordered.includes(c) && c.subject === current.issuer);
    if (!issuer) break;
    ordered.push(issuer);
    current = issuer;
  }
  return [...ordered, ...certs.filter((c) => !ordered.includes(c))];
}

/** The certificates a collected text holds, in the order it has them, and its shape. */
export function readCertificates(raw: string): { certs: X509Certificate[]; format: CollectedFormat } {
  const text = raw.trim();
  if (!text) throw new CertificateFormatError('the certificate is empty');
  if (text.includes('-----BEGIN')) return fromPem(text);
  const der = decodeBase64Strict(text);
  if (!der) throw new CertificateFormatError('the certificate is neither PEM nor base64');
  if (der.subarray(0, 11).toString('latin1') === '-----BEGIN ') return fromPem(der.toString('latin1'));
  return fromDer(der);
}

export function parseCollectedCertificate(raw: string): CollectedCertificate {
  const { certs, format } = readCertificates(raw);
  const [leaf, ...chain] = orderChain(certs);
  const pem = (c: X509Certificate) => PemConverter.encode(c.rawData, 'CERTIFICATE') + '\n';
  const san = leaf.getExtension(SubjectAlternativeNameExtension);
  return {
    leaf,
    chain,
    format,
    serialNumber: leaf.serialNumber.toLowerCase(),
    emails: san ? san.names.items.filter((n) => n.type === 'email').map((n) => n.value) : [],
    leafPem: pem(leaf),
    fullChainPem: [leaf, ...chain].map(pem).join(''),
    raw,
  };
}
