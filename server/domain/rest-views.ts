import { createHash, X509Certificate } from 'node:crypto';
import type { CertificateInfo, CertificateListItem, CertificateState } from '../../wsdl/rest/schemas.js';
import { keyUsageBitsOf } from '../ca/cert-fields.js';
import { KEY_USAGE_BITS, type KeyUsageName } from '../ca/oids.js';
import { KEY_USAGE_LABELS } from './accounts.js';
import type { Order, OrderState } from './orders.js';
import { profileView, type RestProfile } from './rest-accounts.js';

/**
 * Orders as the REST API shows them: a certificate's id, its state in REST's words, the list item and the
 * details, with the docs' date formats (lists yyyy-MM-dd, details MM/dd/yyyy) and serial notation
 * (C3:DB:6F:...). Pure functions of an order (brought up to date by the caller) and the mock's time.
 */

/**
 * A certificate's id (lists' `id`, GET .../smime/v1/{id}) is not its backendCertId, as in CCM: the order number
 * with bit 30 flipped. A client that passes one for the other meets not-found, as it would live.
 */
const CERT_ID_BIT = 0x4000_0000;
export const certIdOf = (orderNumber: number) => orderNumber ^ CERT_ID_BIT;
export const orderNumberOfCertId = (certId: number) => certId ^ CERT_ID_BIT;

/** The largest number a backendCertId, certificate id or person id names (the SOAP orderNumber is an int). */
export const MAX_ID = 2 ** 31 - 1;

const REQUESTED: readonly OrderState[] = ['processing', 'awaiting-payment', 'issuing'];

/** An order's state as REST names it: not issued yet is "requested"; an issued certificate past notAfter "expired". */
export function restState(order: Order, now: number): CertificateState {
  if (REQUESTED.includes(order.state)) return 'requested';
  if (order.state === 'issued' && order.certificate && order.certificate.notAfter < now) return 'expired';
  return order.state as 'issued' | 'rejected' | 'revoked';
}

const pad = (n: number) => String(n).padStart(2, '0');
/** yyyy-MM-dd (UTC), lists' `expires` */
export const ymd = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};
/** MM/dd/yyyy (UTC), the details' dates */
export const mdy = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`;
};

/** A stored serial (lowercase hex) as the docs print serials: upper case, colon-separated pairs. */
export const serialNotation = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');

/** A DN as Node prints it (one attribute per line, most significant first) as RFC 2253 text (CN first). */
const dn = (text: string) => text.split('\n').reverse().join(',');

function certificateOf(order: Order): { x509: X509Certificate; der: Buffer } | undefined {
  if (!order.certificate) return undefined;
  const der = Buffer.from(order.certificate.der, 'base64');
  return { x509: new X509Certificate(der), der };
}

function certificateDetails(
  cert: { x509: X509Certificate; der: Buffer } | undefined,
): CertificateListItem['certificateDetails'] {
  if (!cert) return {};
  const { x509, der } = cert;
  return {
    issuer: dn(x509.issuer),
    subject: dn(x509.subject),
    ...(x509.subjectAltName ? { subjectAltNames: x509.subjectAltName } : {}),
    md5Hash: createHash('md5').update(der).digest('hex').toUpperCase(),
    sha1Hash: createHash('sha1').update(der).digest('hex').toUpperCase(),
  };
}

export function listItem(order: Order, now: number): CertificateListItem {
  const c = order.certificate;
  return {
    id: certIdOf(order.orderNumber),
    state: restState(order, now),
    certificateDetails: certificateDetails(certificateOf(order)),
    ...(c ? { serialNumber: serialNotation(c.serial) } : {}),
    orderNumber: order.orderNumber,
    backendCertId: String(order.orderNumber),
    ...(c ? { expires: ymd(c.notAfter) } : {}),
    ...(order.rest?.comments ? { comments: order.rest.comments } : {}),
  };
}

const USAGE_NAME_OF_BIT = new Map(
  (Object.entries(KEY_USAGE_BITS) as [KeyUsageName, number][]).map(([name, bit]) => [bit, KEY_USAGE_LABELS[name]]),
);

/** GET .../smime/v1/{id}: `profile` is the order's (a SOAP order's: its organization's default profile). */
export function certificateInfo(order: Order, profile: RestProfile, term: number, now: number): CertificateInfo {
  const cert = certificateOf(order);
  const c = order.certificate;
  const keyBits = cert?.x509.publicKey.asymmetricKeyDetails?.modulusLength;
  return {
    id: certIdOf(order.orderNumber),
    commonName: order.username,
    orgId: order.orgId,
    status: restState(order, now),
    backendCertId: String(order.orderNumber),
    certType: profileView(profile),
    term,
    requestedVia: order.api === 'rest' ? 'REST Enroll API' : 'API Enroll',
    requested: mdy(order.createdAt),
    ...(c ? { issued: mdy(c.notBefore), expires: mdy(c.notAfter), serialNumber: serialNotation(c.serial) } : {}),
    ...(order.revocation ? { revoked: mdy(order.revocation.at), reasonCode: order.revocation.reasonCode } : {}),
    ...(cert
      ? {
          signatureAlg: 'SHA256WITHRSA',
          keyAlgorithm: 'RSA',
          ...(keyBits ? { keySize: keyBits, keyType: `RSA - ${keyBits}` } : {}),
          keyUsages: keyUsageBitsOf(cert.der).map((bit) => USAGE_NAME_OF_BIT.get(bit) ?? `bit ${bit}`),
          extendedKeyUsages: cert.x509.keyUsage ?? [],
          subjectAlternativeNames: (cert.x509.subjectAltName ?? '')
            .split(', ')
            .filter(Boolean)
            .map((n) => n.replace(/^email:/, '')),
        }
      : {}),
    ...(order.rest?.customFields.length ? { customFields: order.rest.customFields.map((f) => ({ ...f })) } : {}),
    certificateDetails: certificateDetails(cert),
    suspendNotifications: false,
    ...(order.rest?.comments ? { comments: order.rest.comments } : {}),
  };
}
