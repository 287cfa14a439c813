import {
  AuthorityInfoAccessExtension,
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  CRLDistributionPointsExtension,
  ExtendedKeyUsageExtension,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  type Extension,
  type GeneralName,
  Name,
} from '@peculiar/x509';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { certificatesOf } from '../support/certs.js';
import { defaultAccounts, readCsr } from '../support/fixtures.js';
import { openssl, tempDir } from '../support/openssl.js';
import { authXml, call, enrollXml, orderXml, type EnrollFields } from '../support/soap.js';

/**
 * Every kind of certificate the mock issues (a leaf from enroll, one per KU/EKU template, the root, the issuing CA
 * as stored and as re-signed for another base URL, the OCSP responder), read by two independent parsers:
 * @peculiar/x509 (asn1js) and openssl, compared field by field. Nothing here names the leaf profile, so the test
 * holds whatever extensions and subject the profile gives; where the mock's intent is plain (the CSR's key, the
 * enrolled address, the serial it stored) that is checked too.
 */

let mock: MockServer;
const issued: Array<{ what: string; pem: string; email?: string; orderNumber?: number }> = [];
const csrSpki = Buffer.from(
  openssl(['req', '-pubkey', '-noout'], readCsr())
    .replace(/-----[^-]+-----/g, '')
    .replace(/\s+/g, ''),
  'base64',
);

beforeAll(async () => {
  const dataDir = tempDir();
  mock = await createMockServer({ dataDir });
  const leaf = async (what: string, operation: string, fields: EnrollFields & { email: string }) => {
    const { email } = fields;
    const orderNumber = (await call(mock.endpoint, operation, enrollXml({ csr: readCsr(), ...fields }))).code;
    expect(orderNumber, what).toBeGreaterThan(0);
    const collected = await call(mock.endpoint, 'collect', orderXml(orderNumber));
    const [pem, intermediate, root] = certificatesOf(String(collected.fields.certificate));
    issued.push({ what, pem, email, orderNumber });
    return { intermediate, root };
  };
  const { intermediate, root } = await leaf('leaf from enroll', 'enroll', { email: 'reading@example.com' });
  const templates = (await call(mock.endpoint, 'getKUTemplates', authXml())).returnElements.map((t) =>
    String(t.shortName),
  );
  expect(templates.length).toBeGreaterThan(1);
  // each template through an organization of the sandbox customer that offers it
  const organizations = defaultAccounts().customers.find((c) => c.customerLoginUri === 'sandbox')!.organizations;
  for (const t of templates) {
    const org = organizations.find((o) => o.templates?.includes(t));
    if (!org) throw new Error(`no organization of the fixture's sandbox customer offers ${t}`);
    await leaf(`leaf from template ${t}`, 'enrollUsingKUTemplates', {
      orgId: org.orgId,
      secretKey: org.secretKey,
      templates: [t],
      email: `reading-${t}@${org.emailDomains[0]}`,
    });
  }
  issued.push(
    { what: 'root CA', pem: root },
    { what: 'issuing CA', pem: intermediate },
    { what: 'issuing CA re-signed for another base URL', pem: mock.ca.issuingFor('http://ccm.example.test').pem },
    { what: 'OCSP responder', pem: readFileSync(join(dataDir, 'ca', 'ocsp.pem'), 'utf8') },
  );
});
afterAll(() => mock.close());

// ---- what openssl reads ----

interface Reading {
  subject: string[];
  issuer: string[];
  serial: string;
  notBefore: number;
  notAfter: number;
  publicKey: string;
  /** each extension: numeric OID, critical, extnValue in hex (from openssl asn1parse) */
  extensions: Array<{ oid: string; critical: boolean; value: string }>;
  /** each extension as `openssl x509 -text` prints it: its header name and its lines */
  extensionTexts: Array<{ name: string; lines: string[] }>;
}

/** The dotted form of an OBJECT IDENTIFIER's content octets (only to name what openssl's asn1parse located). */
function dotted(bytes: Buffer): string {
  const arcs: number[] = [];
  let v = 0;
  for (const b of bytes) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = Math.min(2, Math.floor(arcs[0] / 40));
  return [first, arcs[0] - first * 40, ...arcs.slice(1)].join('.');
}

const readings = new Map<string, Reading>();
const opensslReading = (pem: string): Reading => readings.get(pem) ?? readings.set(pem, readWithOpenssl(pem)).get(pem)!;

function readWithOpenssl(pem: string): Reading {
  const file = join(tempDir(), 'cert.pem');
  writeFileSync(file, pem);
  const x509 = (...args: string[]) => openssl(['x509', '-in', file, '-noout', ...args]);
  const nameLines = (flag: string) =>
    x509(flag, '-nameopt', 'oid,utf8,sep_multiline')
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter(Boolean);
  const date = (flag: string) => Date.parse(x509(flag).replace(/^\w+=/, '').trim());

  // the extensions' nodes: after the TBSCertificate's [3], each Extension is OBJECT, optional BOOLEAN, OCTET STRING
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const nodes = openssl(['asn1parse', '-in', file])
    .split('\n')
    .map((l) => /^\s*(\d+):d=(\d+)\s+hl=\s*(\d+)\s+l=\s*(\d+)\s+(?:prim|cons):\s+(.*?)\s*(?::(.*))?$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({
      offset: +m[1],
      depth: +m[2],
      hl: +m[3],
      len: +m[4],
      type: m[5].replace(/\s+\[HEX DUMP\]$/, ''),
      value: m[6] ?? '',
    }));
  const extsAt = nodes.findIndex((n) => n.depth === 2 && n.type === 'cont [ 3 ]');
  const extensions: Reading['extensions'] = [];
  if (extsAt >= 0) {
    for (let i = extsAt + 2; i < nodes.length && nodes[i].depth > 2; i++) {
      if (nodes[i].depth !== 4 || nodes[i].type !== 'SEQUENCE') continue;
      const [oid, maybeCritical, ...rest] = nodes.slice(i + 1, i + 4);
      const critical = maybeCritical.type === 'BOOLEAN';
      const value = critical ? rest[0] : maybeCritical;
      expect(oid.type).toBe('OBJECT');
      expect(value.type).toBe('OCTET STRING');
      extensions.push({
        oid: dotted(der.subarray(oid.offset + oid.hl, oid.offset + oid.hl + oid.len)),
        critical: critical && maybeCritical.value === '255',
        value: value.value.toLowerCase(),
      });
    }
  }

  const text = x509('-text', '-certopt', 'no_sigdump');
  const extensionTexts: Reading['extensionTexts'] = [];
  const block = /X509v3 extensions:\n([\s\S]*?)(?:\n {4}Signature Algorithm|$)/.exec(text)?.[1] ?? ''; // no_sigdump: may end there
  for (const line of block.split('\n')) {
    if (/^ {12}\S/.test(line)) extensionTexts.push({ name: line.trim().replace(/:( critical)?$/, ''), lines: [] });
    else if (line.trim()) extensionTexts.at(-1)?.lines.push(line.trim());
  }

  return {
    subject: nameLines('-subject'),
    issuer: nameLines('-issuer'),
    serial: x509('-serial')
      .replace(/^serial=/, '')
      .trim(),
    notBefore: date('-startdate'),
    notAfter: date('-enddate'),
    publicKey: x509('-pubkey')
      .replace(/-----[^-]+-----/g, '')
      .replace(/\s+/g, ''),
    extensions,
    extensionTexts,
  };
}

// ---- what @peculiar/x509 reads, in openssl's words where the two must agree ----

/** The attribute types @peculiar/x509 calls by a short name (CN...); each mapped to itself, it says the OID. */
const OIDS_AS_NAMES = Object.fromEntries(
  [
    '2.5.4.3',
    '2.5.4.7',
    '2.5.4.8',
    '2.5.4.10',
    '2.5.4.11',
    '2.5.4.6',
    '0.9.2342.19200300.100.1.25',
    '1.2.840.113549.1.9.1',
    '2.5.4.42',
    '2.5.4.43',
    '2.5.4.4',
    '2.5.4.12',
  ].map((oid) => [oid, oid]),
);

/** RDNs in DER order, each `oid=value` (a multi-valued RDN's attributes joined by " + "), as sep_multiline has them. */
const nameOf = (name: Name) =>
  new Name(name.toArrayBuffer(), OIDS_AS_NAMES).toJSON().map((rdn) =>
    Object.entries(rdn)
      .flatMap(([oid, values]) => values.map((v) => `${oid}=${v}`))
      .join(' + '),
  );

const colonHex = (hex: string) => hex.toUpperCase().replace(/(..)(?=.)/g, '$1:');

const KEY_USAGE_NAMES = [
  'Digital Signature',
  'Non Repudiation',
  'Key Encipherment',
  'Data Encipherment',
  'Key Agreement',
  'Certificate Sign',
  'CRL Sign',
  'Encipher Only',
  'Decipher Only',
];

/** openssl's short names of the extended key usages it knows; others it prints as the OID */
const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'TLS Web Server Authentication',
  '1.3.6.1.5.5.7.3.2': 'TLS Web Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'E-mail Protection',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '2.5.29.37.0': 'Any Extended Key Usage',
};

const GENERAL_NAME_PREFIX: Partial<Record<GeneralName['type'], string>> = {
  email: 'email',
  dns: 'DNS',
  url: 'URI',
  ip: 'IP Address',
};
const generalName = (n: GeneralName) => `${GENERAL_NAME_PREFIX[n.type] ?? n.type}:${n.value}`;

/**
 * The lines `openssl x509 -text` prints for an extension, from @peculiar/x509's typed reading of it; undefined for
 * a type it parses into no class of its own (those are compared as bytes only).
 */
function linesOf(e: Extension): string[] | undefined {
  if (e instanceof BasicConstraintsExtension)
    return [`CA:${e.ca ? 'TRUE' : 'FALSE'}${e.pathLength !== undefined ? `, pathlen:${e.pathLength}` : ''}`];
  if (e instanceof KeyUsagesExtension) return [KEY_USAGE_NAMES.filter((_, bit) => e.usages & (1 << bit)).join(', ')];
  if (e instanceof ExtendedKeyUsageExtension)
    return [e.usages.map((oid) => EKU_NAMES[String(oid)] ?? String(oid)).join(', ')];
  if (e instanceof SubjectAlternativeNameExtension) return [e.names.items.map(generalName).join(', ')];
  if (e instanceof SubjectKeyIdentifierExtension) return [colonHex(e.keyId)];
  if (e instanceof AuthorityKeyIdentifierExtension) return e.keyId ? [colonHex(e.keyId)] : undefined;
  if (e instanceof CRLDistributionPointsExtension)
    return e.distributionPoints.flatMap((dp) => [
      'Full Name:',
      ...(dp.distributionPoint?.fullName ?? []).map((n) => `URI:${n.uniformResourceIdentifier ?? '?'}`),
    ]);
  if (e instanceof AuthorityInfoAccessExtension)
    return [
      ...e.ocsp.map((n) => `OCSP - ${generalName(n)}`),
      ...e.caIssuers.map((n) => `CA Issuers - ${generalName(n)}`),
    ];
  return undefined;
}

describe('@peculiar/x509 and openssl read every certificate the mock issues alike', () => {
  it('covers a leaf per template and each CA certificate', () => {
    expect(issued.map((c) => c.what)).toEqual(
      expect.arrayContaining(['leaf from enroll', 'root CA', 'issuing CA', 'OCSP responder']),
    );
    expect(issued.filter((c) => c.what.startsWith('leaf from template')).length).toBeGreaterThan(1);
  });

  it('subject, issuer, serial, validity and public key', () => {
    for (const { what, pem, orderNumber } of issued) {
      const cert = new X509Certificate(pem);
      const openssl = opensslReading(pem);
      expect(nameOf(cert.subjectName), what).toEqual(openssl.subject);
      expect(nameOf(cert.issuerName), what).toEqual(openssl.issuer);
      expect(cert.serialNumber.toUpperCase(), what).toBe(openssl.serial.replace(/^(00)+(?=.)/, ''));
      expect(cert.notBefore.getTime(), what).toBe(openssl.notBefore);
      expect(cert.notAfter.getTime(), what).toBe(openssl.notAfter);
      expect(Buffer.from(cert.publicKey.rawData).toString('base64'), what).toBe(openssl.publicKey);
      if (orderNumber !== undefined) {
        // what the mock meant: the CSR's key, the serial it stored
        expect(Buffer.from(cert.publicKey.rawData).equals(csrSpki), what).toBe(true);
        expect(cert.serialNumber, what).toBe(mock.store.get(orderNumber)!.certificate!.serial);
      }
    }
  });

  it('the issuer of each is the subject of the CA certificate it names, and its signature verifies', async () => {
    const byWhat = new Map(issued.map((c) => [c.what, new X509Certificate(c.pem)]));
    const root = byWhat.get('root CA')!;
    const issuing = byWhat.get('issuing CA')!;
    for (const { what, pem } of issued) {
      const cert = new X509Certificate(pem);
      const signer = cert.issuer === root.subject ? root : issuing;
      expect(cert.issuer, what).toBe(signer.subject);
      expect(await cert.verify({ publicKey: signer.publicKey, signatureOnly: true }), what).toBe(true);
    }
  });

  it('extensions: the same OIDs, criticality and bytes in the same order, and the same meaning', () => {
    for (const { what, pem, email } of issued) {
      const cert = new X509Certificate(pem);
      const openssl = opensslReading(pem);
      expect(openssl.extensions.length, what).toBeGreaterThan(0);
      expect(
        cert.extensions.map((e) => ({
          oid: e.type,
          critical: e.critical,
          value: Buffer.from(e.value).toString('hex'),
        })),
        what,
      ).toEqual(openssl.extensions);
      expect(openssl.extensionTexts.length, what).toBe(cert.extensions.length);
      cert.extensions.forEach((e, i) => {
        const lines = linesOf(e);
        if (lines) expect(openssl.extensionTexts[i].lines, `${what}: ${openssl.extensionTexts[i].name}`).toEqual(lines);
      });
      // the typed readings compared above cover the extensions every certificate here has
      const typed = cert.extensions.filter((e) => linesOf(e) !== undefined).map((e) => e.type);
      expect(typed, what).toEqual(expect.arrayContaining(['2.5.29.19', '2.5.29.14']));
      if (email) {
        const san = cert.getExtension(SubjectAlternativeNameExtension);
        expect(san?.names.items.map(generalName), what).toContain(`email:${email}`);
      }
    }
  });
});
