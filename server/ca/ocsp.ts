import { createHash, sign } from 'node:crypto';
import { canonicalSerialOf, type CertificateRecords } from './certificate-records.js';
import { SHA256_RSA } from './certificate.js';
import { isIssuedBy, publicKeyBitsOf } from './cert-fields.js';
import { statedReason } from './crl.js';
import * as der from './der.js';
import { children, content, DerError, expectTag, raw, readOid, readWhole, type DerNode } from './der-reader.js';
import type { OcspSigner } from './ocsp-signer.js';
import { OID } from './oids.js';

/**
 * An OCSP responder (RFC 6960) for the certificates the issuing CA signed: it reads a DER OCSPRequest and
 * answers a BasicOCSPResponse signed by the delegated responder certificate. Any request it cannot read
 * gets the malformedRequest status, never an exception.
 */

export const OCSP_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

export interface OcspCertId {
  /** the CertID exactly as the client sent it: echoed so the client matches it byte for byte */
  raw: Buffer;
  hashAlgorithm: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** canonical serial; undefined for a zero or negative serialNumber (nothing we issued) */
  serial?: string;
}

export interface OcspRequest {
  certIds: OcspCertId[];
  /** the request's nonce Extension, DER, echoed as is */
  nonceExtension?: Buffer;
}

/** The hashes a CertID may use, by OID, in Node's names. */
const CERT_ID_HASHES: Readonly<Record<string, string>> = {
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/** RFC 9654 allows nonces of 1 to 128 octets. */
const MAX_NONCE = 128;

/** Largest number of certificates asked about in one request. */
export const MAX_CERT_IDS = 100;

function parseCertId(node: DerNode): OcspCertId {
  const parts = children(expectTag(node, 0x30, 'CertID'));
  if (parts.length !== 4) throw new DerError('CertID needs four fields');
  const alg = children(expectTag(parts[0], 0x30, 'hashAlgorithm'));
  if (alg.length < 1 || alg.length > 2) throw new DerError('malformed hashAlgorithm');
  const serial = expectTag(parts[3], 0x02, 'serialNumber');
  if (serial.end === serial.contentStart) throw new DerError('empty serialNumber');
  return {
    raw: raw(node),
    hashAlgorithm: readOid(alg[0]),
    issuerNameHash: content(expectTag(parts[1], 0x04, 'issuerNameHash')),
    issuerKeyHash: content(expectTag(parts[2], 0x04, 'issuerKeyHash')),
    serial: canonicalSerialOf(content(serial)),
  };
}

function parseExtensions(node: DerNode): Array<{ oid: string; value: Buffer; raw: Buffer }> {
  return children(expectTag(children(node)[0], 0x30, 'Extensions')).map((e) => {
    const parts = children(expectTag(e, 0x30, 'Extension'));
    if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && parts[1].tag !== 0x01))
      throw new DerError('malformed Extension');
    return {
      oid: readOid(parts[0]),
      value: content(expectTag(parts[parts.length - 1], 0x04, 'extnValue')),
      raw: raw(e),
    };
  });
}

/** The nonce's length: the OCTET STRING inside extnValue, or extnValue itself from clients that send it bare. */
function nonceLength(value: Buffer): number {
  try {
    const inner = readWhole(value);
    if (inner.tag === 0x04) return inner.end - inner.contentStart;
  } catch {
    // bare bytes
  }
  return value.length;
}

/** Read an OCSPRequest; throws DerError for anything malformed. A request signature is accepted and ignored. */
export function parseOcspRequest(bytes: Buffer): OcspRequest {
  const top = children(expectTag(readWhole(bytes), 0x30, 'OCSPRequest'));
  if (top.length < 1 || top.length > 2 || (top[1] && top[1].tag !== 0xa0)) throw new DerError('malformed OCSPRequest');
  const tbs = children(expectTag(top[0], 0x30, 'TBSRequest'));
  let i = 0;
  if (tbs[i]?.tag === 0xa0) {
    const version = children(tbs[i++]);
    if (version.length !== 1 || !raw(version[0]).equals(der.int(0)))
      throw new DerError('unsupported OCSPRequest version');
  }
  if (tbs[i]?.tag === 0xa1) i++; // requestorName
  const list = children(expectTag(tbs[i++], 0x30, 'requestList'));
  if (list.length === 0) throw new DerError('empty requestList');
  if (list.length > MAX_CERT_IDS) throw new DerError(`more than ${MAX_CERT_IDS} certificates in one request`);
  const certIds = list.map((request) => {
    const parts = children(expectTag(request, 0x30, 'Request'));
    if (parts.length < 1 || parts.length > 2 || (parts[1] && parts[1].tag !== 0xa0))
      throw new DerError('malformed Request');
    if (parts[1]) parseExtensions(parts[1]);
    return parseCertId(parts[0]);
  });
  let nonceExtension: Buffer | undefined;
  if (tbs[i]?.tag === 0xa2) {
    for (const e of parseExtensions(tbs[i++])) {
      if (e.oid !== OID.ocspNonce) continue;
      const length = nonceLength(e.value);
      if (length < 1 || length > MAX_NONCE) throw new DerError(`nonce of ${length} octets (1 to ${MAX_NONCE} allowed)`);
      nonceExtension = e.raw;
    }
  }
  if (i !== tbs.length) throw new DerError('unexpected fields in TBSRequest');
  return { certIds, nonceExtension };
}

/** An OCSPResponse carrying only an error status (no responseBytes). */
export function ocspErrorResponse(status: number): Buffer {
  return der.seq(der.enumerated(status));
}

export type CertStatus =
  { status: 'good' } | { status: 'unknown' } | { status: 'revoked'; at: Date; reasonCode: number };

export interface OcspResponderOptions {
  /** the CA whose certificates this responder speaks for */
  issuer: { subject: Buffer; keyId: Buffer; der: Buffer };
  signer: OcspSigner;
  records: CertificateRecords;
  /** the mock's clock, milliseconds */
  now: () => number;
  /** nextUpdate - thisUpdate of each answer */
  validityMs?: number;
}

export const OCSP_VALIDITY_MS = 3600 * 1000;

export class OcspResponder {
  /** issuerNameHash + issuerKeyHash of our issuer, by hash OID */
  private readonly issuerHashes = new Map<string, { name: Buffer; key: Buffer }>();

  constructor(private readonly opts: OcspResponderOptions) {
    const keyBits = publicKeyBitsOf(opts.issuer.der);
    for (const [oid, hash] of Object.entries(CERT_ID_HASHES)) {
      this.issuerHashes.set(oid, {
        name: createHash(hash).update(opts.issuer.subject).digest(),
        key: createHash(hash).update(keyBits).digest(),
      });
    }
  }

  /** The status of one certificate: unknown unless the CertID names our issuer and a serial it issued. */
  statusOf(certId: OcspCertId): CertStatus {
    const ours = this.issuerHashes.get(certId.hashAlgorithm);
    if (!ours || !ours.name.equals(certId.issuerNameHash) || !ours.key.equals(certId.issuerKeyHash) || !certId.serial)
      return { status: 'unknown' };
    const record = this.opts.records.bySerial(certId.serial);
    // a certificate from an earlier CA in the same data directory is not this issuer's to speak for
    if (!record || !isIssuedBy(record.der, this.opts.issuer)) return { status: 'unknown' };
    if (record.revocation)
      return { status: 'revoked', at: new Date(record.revocation.at), reasonCode: record.revocation.reasonCode };
    return { status: 'good' };
  }

  /** Answer a DER OCSPRequest with a DER OCSPResponse. Never throws. */
  respond(requestDer: Buffer): Buffer {
    let request: OcspRequest;
    try {
      request = parseOcspRequest(requestDer);
    } catch {
      return ocspErrorResponse(OCSP_STATUS.malformedRequest);
    }
    try {
      return this.sign(request);
    } catch (err) {
      console.error('ccm-mock: OCSP response failed', err);
      return ocspErrorResponse(OCSP_STATUS.internalError);
    }
  }

  private sign(request: OcspRequest): Buffer {
    const now = this.opts.now();
    const thisUpdate = new Date(Math.floor(now / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + (this.opts.validityMs ?? OCSP_VALIDITY_MS));
    const singles = request.certIds.map((id) =>
      der.seq(
        id.raw,
        encodeStatus(this.statusOf(id)),
        der.generalizedTime(thisUpdate),
        der.explicit(0, der.generalizedTime(nextUpdate)),
      ),
    );
    const responseData = der.seq(
      der.explicit(2, der.octets(this.opts.signer.keyHash)), // ResponderID byKey
      der.generalizedTime(thisUpdate), // producedAt
      der.seq(...singles),
      ...(request.nonceExtension ? [der.explicit(1, der.seq(request.nonceExtension))] : []),
    );
    const basic = der.seq(
      responseData,
      SHA256_RSA,
      der.bitString(sign('sha256', responseData, this.opts.signer.key)),
      der.explicit(0, der.seq(this.opts.signer.der)),
    );
    return der.seq(
      der.enumerated(OCSP_STATUS.successful),
      der.explicit(0, der.seq(der.oid(OID.ocspBasic), der.octets(basic))),
    );
  }
}

function encodeStatus(s: CertStatus): Buffer {
  switch (s.status) {
    case 'good':
      return der.implicitPrimitive(0, Buffer.alloc(0));
    case 'unknown':
      return der.implicitPrimitive(2, Buffer.alloc(0));
    case 'revoked': {
      // revocationReason left out for unspecified, as on the CRL
      const reason = statedReason(s.reasonCode);
      return der.implicitConstructed(
        1,
        Buffer.concat([
          der.generalizedTime(s.at),
          ...(reason === undefined ? [] : [der.explicit(0, der.enumerated(reason))]),
        ]),
      );
    }
  }
}
