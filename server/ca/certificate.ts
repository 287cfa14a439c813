import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import * as der from './der.js';
import { OID } from './oids.js';

/** Building blocks for X.509 v3 certificates, shared by the CA certificates and the S/MIME leaves. */

export function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical ? der.seq(der.oid(oid), der.bool(true), der.octets(value)) : der.seq(der.oid(oid), der.octets(value));
}

/** An attribute's value as RFC 5280 has it: countryName PrintableString, emailAddress IA5String, the rest UTF8String. */
function attributeValue(type: string, value: string): Buffer {
  if (type === OID.countryName) return der.printable(value);
  if (type === OID.emailAddress) return der.ia5(value);
  return der.utf8(value);
}

/** A Name from attribute pairs, one attribute per RDN, in the order given. */
export function name(attrs: ReadonlyArray<readonly [string, string]>): Buffer {
  return der.seq(...attrs.map(([type, value]) => der.set(der.seq(der.oid(type), attributeValue(type, value)))));
}

/** SubjectKeyIdentifier method 1 of RFC 5280: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(publicKeyBits: Buffer): Buffer {
  return createHash('sha1').update(publicKeyBits).digest();
}

export const ext = {
  basicConstraints(ca: boolean, pathLen?: number): Buffer {
    const body = ca ? [der.bool(true), ...(pathLen === undefined ? [] : [der.int(pathLen)])] : [];
    return extension(OID.basicConstraints, true, der.seq(...body));
  },
  keyUsage(bits: Iterable<number>): Buffer {
    return extension(OID.keyUsage, true, der.namedBits(bits));
  },
  extKeyUsage(oids: readonly string[]): Buffer {
    return extension(OID.extKeyUsage, false, der.seq(...oids.map(der.oid)));
  },
  subjectKeyIdentifier(id: Buffer): Buffer {
    return extension(OID.subjectKeyIdentifier, false, der.octets(id));
  },
  authorityKeyIdentifier(id: Buffer): Buffer {
    return extension(OID.authorityKeyIdentifier, false, der.seq(der.implicitPrimitive(0, id)));
  },
  emailSubjectAltName(emails: readonly string[]): Buffer {
    return extension(
      OID.subjectAltName,
      false,
      der.seq(...emails.map((e) => der.implicitPrimitive(1, Buffer.from(e, 'utf8')))),
    );
  },
  crlDistributionPoint(url: string): Buffer {
    // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames { [6] URI } } }
    const uri = der.implicitPrimitive(6, Buffer.from(url, 'latin1'));
    return extension(
      OID.cRLDistributionPoints,
      false,
      der.seq(der.seq(der.explicit(0, der.implicitConstructed(0, uri)))),
    );
  },
  /** PolicyInformation entries, each with a CPS qualifier (an IA5String URI) when `cps` is given. */
  certificatePolicies(policies: ReadonlyArray<{ oid: string; cps?: string }>): Buffer {
    return extension(
      OID.certificatePolicies,
      false,
      der.seq(
        ...policies.map((p) =>
          p.cps === undefined
            ? der.seq(der.oid(p.oid))
            : der.seq(der.oid(p.oid), der.seq(der.seq(der.oid(OID.cpsQualifier), der.ia5(p.cps)))),
        ),
      ),
    );
  },
  authorityInfoAccess(entries: { ocsp?: string; caIssuers?: string }): Buffer {
    const access = [];
    if (entries.ocsp)
      access.push(der.seq(der.oid(OID.ocsp), der.implicitPrimitive(6, Buffer.from(entries.ocsp, 'latin1'))));
    if (entries.caIssuers)
      access.push(der.seq(der.oid(OID.caIssuers), der.implicitPrimitive(6, Buffer.from(entries.caIssuers, 'latin1'))));
    return extension(OID.authorityInfoAccess, false, der.seq(...access));
  },
};

/**
 * A serial from random (or derived) bytes, made positive with no leading zero byte: the first byte's high bit
 * cleared and its low bit set, so 16 bytes stay 16 bytes in DER. Changes `bytes` and returns it.
 */
export function positiveSerial(bytes: Buffer): Buffer {
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes;
}

/** A random positive 128-bit serial. */
export const randomSerial = (): Buffer => positiveSerial(randomBytes(16));

export interface CertificateFields {
  serial: Buffer;
  issuer: Buffer;
  subject: Buffer;
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

/** AlgorithmIdentifier sha256WithRSAEncryption: how every certificate, CRL and OCSP response ccm-mock makes is signed */
export const SHA256_RSA = der.algorithm(OID.sha256WithRSA);

/** The TBSCertificate of a v3 certificate to be signed sha256WithRSAEncryption. */
export function tbsCertificate(fields: CertificateFields): Buffer {
  return der.seq(
    der.explicit(0, der.int(2)),
    der.int(fields.serial),
    SHA256_RSA,
    fields.issuer,
    der.seq(der.time(fields.notBefore), der.time(fields.notAfter)),
    fields.subject,
    fields.spki,
    der.explicit(3, der.seq(...fields.extensions)),
  );
}

/** The certificate from its TBSCertificate and the sha256WithRSAEncryption signature over it. */
export function signedCertificate(tbs: Buffer, signature: Buffer): Buffer {
  return der.seq(tbs, SHA256_RSA, der.bitString(signature));
}

/** The DER of a v3 certificate signed sha256WithRSAEncryption by `signer`. */
export function buildCertificate(fields: CertificateFields, signer: KeyObject): Buffer {
  const tbs = tbsCertificate(fields);
  return signedCertificate(tbs, sign('sha256', tbs, signer));
}

/** PEM armour with 64-character lines and a trailing newline. */
export function toPem(bytes: Buffer, label: string): string {
  const b64 = bytes.toString('base64').replace(/.{64}(?=.)/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** All DER blocks of one label in a PEM text, in order. */
export function fromPem(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}
