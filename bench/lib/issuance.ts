import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPublicKey, sign, webcrypto, type KeyObject } from 'node:crypto';
import {
  ext,
  keyIdentifier,
  name,
  positiveSerial,
  signedCertificate,
  tbsCertificate,
} from '../../server/ca/certificate.js';
import { parseCsr } from '../../server/ca/csr.js';
import { children, readBitStringOctets, readWhole } from '../../server/ca/der-reader.js';
import { KEY_USAGE_BITS, OID } from '../../server/ca/oids.js';

/**
 * One S/MIME leaf built two ways, for `npm run bench`: with ccm-mock's DER writer (server/ca/certificate.ts and
 * der.ts, signed through node:crypto, as issuance does) and with @peculiar/x509's X509CertificateGenerator
 * (signed through WebCrypto), from the same inputs and the same CA key. RSA PKCS#1 v1.5 signatures are
 * deterministic, so the two must come out byte for byte the same: checked before anything is timed, so the
 * comparison is of two ways to the same certificate.
 */

export interface LeafInputs {
  issuer: Array<[string, string]>;
  subject: Array<[string, string]>;
  email: string;
  /** the leaf's SubjectPublicKeyInfo, DER (from a CSR) */
  spki: Buffer;
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
  baseUrl: string;
}

export interface IssuancePaths {
  derWriter(): Buffer;
  peculiar(): Promise<Buffer>;
}

const spkiBits = (spki: Buffer) => readBitStringOctets(children(readWhole(spki))[1]);

/** The leaf's inputs: the subject and key of a CSR, the rest fixed (a year from a fixed date; the mock's URLs). */
export function leafInputs(csrPem: string): LeafInputs {
  const csr = parseCsr(csrPem);
  return {
    issuer: [
      [OID.organizationName, 'ccm-mock (test certificates only)'],
      [OID.commonName, 'ccm-mock TEST S/MIME Issuing CA - NOT FOR PRODUCTION'],
    ],
    subject: [
      [OID.countryName, 'US'],
      [OID.organizationName, 'Example Inc'],
      [OID.commonName, 'Bench User'],
    ],
    email: 'bench@example.com',
    spki: csr.spki,
    serial: positiveSerial(Buffer.from('5b0d7c1e9a2f43d8b6e1c4a7f0932e18', 'hex')),
    notBefore: new Date('2030-01-01T00:00:00Z'),
    notAfter: new Date('2031-01-01T00:00:00Z'),
    baseUrl: 'http://localhost:8080',
  };
}

export async function issuancePaths(inputs: LeafInputs, caKey: KeyObject): Promise<IssuancePaths> {
  const caKeyId = keyIdentifier(spkiBits(createPublicKey(caKey).export({ type: 'spki', format: 'der' })));
  const urls = {
    crl: `${inputs.baseUrl}/crl/intermediate.crl`,
    ocsp: `${inputs.baseUrl}/ocsp`,
    caIssuers: `${inputs.baseUrl}/ca/intermediate.cer`,
  };

  const derWriter = (): Buffer => {
    const tbs = tbsCertificate({
      serial: inputs.serial,
      issuer: name(inputs.issuer),
      subject: name(inputs.subject),
      spki: inputs.spki,
      notBefore: inputs.notBefore,
      notAfter: inputs.notAfter,
      extensions: [
        ext.basicConstraints(false),
        ext.keyUsage([KEY_USAGE_BITS.digitalSignature, KEY_USAGE_BITS.keyEncipherment]),
        ext.extKeyUsage([OID.emailProtection, OID.clientAuth]),
        ext.emailSubjectAltName([inputs.email]),
        ext.subjectKeyIdentifier(keyIdentifier(spkiBits(inputs.spki))),
        ext.authorityKeyIdentifier(caKeyId),
        ext.crlDistributionPoint(urls.crl),
        ext.authorityInfoAccess({ ocsp: urls.ocsp, caIssuers: urls.caIssuers }),
      ],
    });
    return signedCertificate(tbs, sign('sha256', tbs, caKey));
  };

  // @peculiar/x509 with the same key, imported into WebCrypto once (as an application would keep it)
  const crypto: webcrypto.Crypto = webcrypto;
  x509.cryptoProvider.set(crypto);
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const signingKey = await crypto.subtle.importKey(
    'pkcs8',
    caKey.export({ type: 'pkcs8', format: 'der' }),
    algorithm,
    false,
    ['sign'],
  );
  // the same string types as the DER writer's name(): PrintableString for the country, UTF8String for the rest here
  const jsonName = (attrs: Array<[string, string]>): x509.JsonNameParams =>
    attrs.map(([oid, value]) => ({
      [oid]: [oid === OID.countryName ? { printableString: value } : { utf8String: value }],
    }));
  const peculiar = async (): Promise<Buffer> => {
    const publicKey = new x509.PublicKey(inputs.spki);
    const cert = await x509.X509CertificateGenerator.create(
      {
        serialNumber: inputs.serial.toString('hex'),
        issuer: new x509.Name(jsonName(inputs.issuer)),
        subject: new x509.Name(jsonName(inputs.subject)),
        notBefore: inputs.notBefore,
        notAfter: inputs.notAfter,
        publicKey,
        signingKey,
        signingAlgorithm: algorithm,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
          new x509.ExtendedKeyUsageExtension([OID.emailProtection, OID.clientAuth]),
          new x509.SubjectAlternativeNameExtension([{ type: 'email', value: inputs.email }]),
          await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
          new x509.AuthorityKeyIdentifierExtension(caKeyId.toString('hex')),
          new x509.CRLDistributionPointsExtension([urls.crl]),
          new x509.AuthorityInfoAccessExtension({ ocsp: [urls.ocsp], caIssuers: [urls.caIssuers] }),
        ],
      },
      crypto,
    );
    return Buffer.from(cert.rawData);
  };

  return { derWriter, peculiar };
}

export interface IssuanceComparison {
  /** certificates per second, each path, interleaved in blocks over the same wall-clock window */
  derWriterPerSecond: number;
  peculiarPerSecond: number;
  /** derWriterPerSecond / peculiarPerSecond */
  ratio: number;
  certificates: number;
  certificateBytes: number;
}

/** Both paths in alternating blocks for `ms` milliseconds in all, after checking they make the same bytes. */
export async function compareIssuance(paths: IssuancePaths, ms: number, block = 20): Promise<IssuanceComparison> {
  const ours = paths.derWriter();
  const theirs = await paths.peculiar();
  if (!ours.equals(theirs))
    throw new Error(
      `the DER writer and @peculiar/x509 built different certificates:\n${ours.toString('base64')}\n${theirs.toString('base64')}`,
    );
  for (let i = 0; i < block; i++) {
    paths.derWriter();
    await paths.peculiar();
  }
  const spent = { der: 0, peculiar: 0 };
  const made = { der: 0, peculiar: 0 };
  const started = performance.now();
  while (performance.now() - started < ms) {
    let t0 = performance.now();
    for (let i = 0; i < block; i++) paths.derWriter();
    spent.der += performance.now() - t0;
    made.der += block;
    t0 = performance.now();
    for (let i = 0; i < block; i++) await paths.peculiar();
    spent.peculiar += performance.now() - t0;
    made.peculiar += block;
  }
  const derWriterPerSecond = (made.der / spent.der) * 1000;
  const peculiarPerSecond = (made.peculiar / spent.peculiar) * 1000;
  return {
    derWriterPerSecond,
    peculiarPerSecond,
    ratio: derWriterPerSecond / peculiarPerSecond,
    certificates: made.der + made.peculiar,
    certificateBytes: ours.length,
  };
}
