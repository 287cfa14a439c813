import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import {
  CertificateInfoSchema,
  CertificateListSchema,
  CertificateProfileSchema,
  COLLECT_FORMAT_INFO,
  COLLECT_FORMATS,
  CustomFieldSchema,
  EnrollResponseSchema,
  OrganizationListSchema,
  PersonIdSchema,
  restPath,
  type CertificateInfo,
  type CertificateListItem,
  type CollectFormat,
} from '../../wsdl/rest/index.js';
import { readCsr } from '../support/fixtures.js';
import { openssl, verifySmime } from '../support/openssl.js';
import { enrollBody, restClient, SECOND_ADMIN, type RestAnswer } from '../support/rest.js';

/**
 * Every endpoint of the REST API over real HTTP against a running mock: what it answers, in the contract's shapes
 * (each JSON answer parsed with the contract's schema, strictly: no field the contract lacks), and the
 * certificates it issues, judged by openssl.
 */

let mock: MockServer;
let api: ReturnType<typeof restClient>;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'rest-endpoints' });
  api = restClient(mock.url);
});
afterAll(async () => {
  await mock.close();
});

const pems = (text: string) =>
  [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => m[0] + '\n');
const cn = (pem: string) => /CN=([^\n,]+)/.exec(new X509Certificate(pem).subject)?.[1] ?? '';
const rootPem = () => new X509Certificate(mock.ca.root.der).toString();

async function enroll(over: Record<string, unknown> = {}): Promise<string> {
  const a = await api('POST', '/smime/v1/enroll', enrollBody(over));
  expect(a.status, a.text).toBe(200);
  const r = EnrollResponseSchema.strict().parse(a.json);
  expect(r.backendCertId).toBe(String(r.orderNumber));
  return r.backendCertId;
}

async function collect(id: string, format?: CollectFormat): Promise<RestAnswer> {
  const a = await api('GET', restPath('smime.collect', { backendCertId: id }, { format }));
  expect(a.status, a.text).toBe(200);
  return a;
}

async function listed(
  query: Record<string, string | number> = {},
): Promise<{ items: CertificateListItem[]; total: number }> {
  const a = await api('GET', restPath('smime.list', {}, query));
  expect(a.status, a.text).toBe(200);
  return { items: CertificateListSchema.parse(a.json), total: Number(a.headers.get('x-total-count')) };
}

describe('REST helpers: types, custom fields, organizations', () => {
  it("GET /smime/v1/types lists the customer profiles, and an organization's own with ?organizationId", async () => {
    const all = await api('GET', '/smime/v1/types');
    expect(all.status).toBe(200);
    const profiles = CertificateProfileSchema.strict().array().parse(all.json);
    expect(profiles.map((p) => p.id)).toEqual([101, 102]);
    expect(profiles[0]).toEqual({
      id: 101,
      name: 'ccm-mock S/MIME Standard',
      description: expect.any(String) as string,
      terms: [365, 730],
      keyTypes: { RSA: ['2048', '3072', '4096'] },
      useSecondaryOrgName: false,
    });
    const second = await api('GET', '/smime/v1/types?organizationId=1002');
    expect(
      CertificateProfileSchema.array()
        .parse(second.json)
        .map((p) => p.id),
    ).toEqual([101]);
    // a department names its organization's profiles
    const dept = await api('GET', '/smime/v1/types?organizationId=1002001');
    expect(
      CertificateProfileSchema.array()
        .parse(dept.json)
        .map((p) => p.id),
    ).toEqual([101]);
  });

  it('a customer whose fixture has no rest key gets the default profile', async () => {
    const a = await api('GET', '/smime/v1/types', undefined, {
      login: { login: 'readonly-admin', password: 'readonly', customerUri: 'readonly' },
    });
    expect(
      CertificateProfileSchema.array()
        .parse(a.json)
        .map((p) => [p.id, p.terms]),
    ).toEqual([[1, [365]]]);
  });

  it('GET /smime/v1/customFields lists the custom fields with their mandatory flag', async () => {
    const a = await api('GET', '/smime/v1/customFields');
    expect(CustomFieldSchema.strict().array().parse(a.json)).toEqual([
      { id: 11, name: 'employeeNumber', mandatory: false },
      { id: 12, name: 'costCenter', mandatory: false },
    ]);
  });

  it('GET /organization/v1 lists organizations with their departments (ids of their own), only those the admin may act for', async () => {
    const a = await api('GET', '/organization/v1');
    const orgs = OrganizationListSchema.parse(a.json);
    expect(orgs.map((o) => o.id)).toEqual([1001, 1002, 1003, 1004, 1005, 1006, 1007]);
    expect(orgs[0].departments).toEqual([
      { id: 1001001, name: 'Engineering', parentName: 'Sandbox Org' },
      { id: 1001002, name: 'Sales', parentName: 'Sandbox Org' },
    ]);
    const second = await restClient(mock.url, SECOND_ADMIN)('GET', '/organization/v1');
    expect(OrganizationListSchema.parse(second.json).map((o) => o.id)).toEqual([1002]);
  });
});

describe('REST enroll and collect', () => {
  it('enroll answers {orderNumber, backendCertId}; collect without a format answers PKCS#7 PEM (base64) that openssl reads', async () => {
    const id = await enroll();
    const a = await collect(id);
    expect(a.headers.get('content-type')).toBe('application/octet-stream');
    expect(a.headers.get('content-disposition')).toBe('attachment; filename="alice_example_com.p7b"');
    expect(a.text).toMatch(/^-----BEGIN PKCS7-----\n/);
    const certs = pems(openssl(['pkcs7', '-print_certs'], a.text));
    expect(certs.map(cn)).toEqual([
      'Alice Example',
      'ccm-mock TEST S/MIME Issuing CA - NOT FOR PRODUCTION',
      'ccm-mock TEST Root CA - NOT FOR PRODUCTION',
    ]);
    expect(verifySmime(certs[0], certs[2], certs[1])).toMatch(/OK/);
  });

  it('collect answers every documented format with the certificates in the documented order', async () => {
    const id = await enroll({ email: 'formats@example.com' });
    const names = {
      leaf: 'Alice Example',
      int: 'ccm-mock TEST S/MIME Issuing CA - NOT FOR PRODUCTION',
      root: 'ccm-mock TEST Root CA - NOT FOR PRODUCTION',
    };
    const expected: Record<CollectFormat, string[]> = {
      x509: [names.leaf, names.int, names.root],
      pem: [names.leaf, names.int, names.root],
      x509R: [names.root, names.int, names.leaf],
      x509CO: [names.leaf],
      pemco: [names.leaf],
      x509IO: [names.root, names.int],
      x509IOR: [names.int, names.root],
      pemia: [names.leaf, names.int],
      base64: [names.leaf, names.int, names.root],
      bin: [names.leaf, names.int, names.root],
    };
    expect(Object.keys(expected).sort()).toEqual([...COLLECT_FORMATS].sort());
    for (const format of COLLECT_FORMATS) {
      const a = await collect(id, format);
      const info = COLLECT_FORMAT_INFO[format];
      expect(a.headers.get('content-disposition')).toBe(`attachment; filename="formats_example_com.${info.extension}"`);
      let certs: string[];
      if (format === 'bin') {
        expect(a.bytes[0]).toBe(0x30); // DER
        certs = pems(openssl(['pkcs7', '-inform', 'DER', '-print_certs'], a.bytes));
      } else if (format === 'base64') {
        certs = pems(openssl(['pkcs7', '-print_certs'], a.text));
      } else {
        expect(a.text).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
        certs = pems(a.text);
      }
      expect(certs.map(cn), format).toEqual(expected[format]);
    }
  });

  it("a profile's template gives the KU/EKU, the term the validity, a department id the department", async () => {
    const id = await enroll({ email: 'dave@example.com', certType: 102, orgId: 1001002, term: 365 });
    const leaf = pems((await collect(id, 'x509CO')).text)[0];
    const text = openssl(['x509', '-noout', '-text'], leaf);
    expect(text).toMatch(/Key Usage: critical\n\s+Digital Signature, Non Repudiation\n/);
    expect(text).toMatch(/Extended Key Usage: \n?\s*E-mail Protection\n/);
    expect(mock.admin.order(Number(id)).department).toBe('Sales');

    const long = await enroll({ email: 'long@example.com', term: 730 });
    const x509 = new X509Certificate(pems((await collect(long, 'x509CO')).text)[0]);
    // valid for exactly 730 days: notAfter is inclusive, one second before the 730th day ends (SBR 6.3.2)
    expect((Date.parse(x509.validTo) - Date.parse(x509.validFrom) + 1000) / 86_400_000).toBe(730);
  });

  it('the email and the secondary emails are the SAN, whatever the CSR asks for (the email first, repeats dropped)', async () => {
    const id = await enroll({
      email: 'sans@example.com',
      secondaryEmails: ['sans.alt@example.com', 'SANS@example.com', 'x@sub.example.com'],
    });
    const leaf = pems((await collect(id, 'x509CO')).text)[0];
    expect(new X509Certificate(leaf).subjectAltName).toBe(
      'email:sans@example.com, email:sans.alt@example.com, email:x@sub.example.com',
    );
  });

  it('the enroll creates the person, and a second enroll updates it', async () => {
    await enroll({ email: 'carol@example.com', firstName: 'Carol', lastName: 'One', phone: '+1 555 0100' });
    const found = await api('GET', '/person/v1/id/byEmail/carol%40example.com');
    const { personId } = PersonIdSchema.strict().parse(found.json);
    await enroll({ email: 'carol@example.com', firstName: 'Carol', lastName: 'Two' });
    const person = mock.store.persons.get('sandbox', personId)!;
    expect(person).toMatchObject({ email: 'carol@example.com', lastName: 'Two', organizationId: 1001 });
  });
});

describe('REST lists, count, details', () => {
  let ids: string[];
  beforeAll(async () => {
    mock.admin.reset({ customer: 'sandbox' });
    ids = [
      await enroll({ email: 'list-a@example.com' }),
      await enroll({ email: 'list-b@example.com', certType: 102 }),
      await enroll({ email: 'list-b@example.com' }),
      await enroll({ email: 'list-c+pending9@example.com' }),
    ];
  });

  it('GET /smime/v2 lists newest first with X-Total-Count, pages by size and position', async () => {
    const all = await listed();
    expect(all.total).toBe(4);
    expect(all.items.map((i) => i.backendCertId)).toEqual([...ids].reverse());
    CertificateListSchema.element.strict().parse(all.items[0]);
    const page = await listed({ size: 2, position: 1 });
    expect(page.total).toBe(4);
    expect(page.items.map((i) => i.backendCertId)).toEqual([ids[2], ids[1]]);
    const issued = all.items.find((i) => i.backendCertId === ids[0])!;
    expect(issued).toMatchObject({
      state: 'issued',
      orderNumber: Number(ids[0]),
      serialNumber: expect.stringMatching(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/) as string,
      expires: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as string,
      certificateDetails: {
        subject: expect.stringContaining('CN=Alice Example') as string,
        issuer: expect.stringContaining('Issuing CA') as string,
        subjectAltNames: 'email:list-a@example.com',
        sha1Hash: expect.stringMatching(/^[0-9A-F]{40}$/) as string,
        md5Hash: expect.stringMatching(/^[0-9A-F]{32}$/) as string,
      },
    });
    expect(issued.id).not.toBe(issued.orderNumber);
    const pending = all.items.find((i) => i.backendCertId === ids[3])!;
    expect(pending).toEqual({
      id: expect.any(Number) as number,
      state: 'requested',
      certificateDetails: {},
      orderNumber: Number(ids[3]),
      backendCertId: ids[3],
    });
  });

  it('filters by state, email, personId, certTypeId, backendCertId, serialNumber and keyVault; HEAD counts', async () => {
    const all = await listed();
    const serial = all.items.find((i) => i.backendCertId === ids[0])!.serialNumber!;
    expect((await listed({ state: 'requested' })).items.map((i) => i.backendCertId)).toEqual([ids[3]]);
    expect((await listed({ state: 'issued' })).total).toBe(3);
    expect((await listed({ email: 'LIST-B@example.com' })).items.map((i) => i.backendCertId)).toEqual([ids[2], ids[1]]);
    const { personId } = PersonIdSchema.parse((await api('GET', '/person/v1/id/byEmail/list-b@example.com')).json);
    expect((await listed({ personId })).total).toBe(2);
    expect((await listed({ certTypeId: 102 })).items.map((i) => i.backendCertId)).toEqual([ids[1]]);
    expect((await listed({ backendCertId: ids[2] })).items.map((i) => i.backendCertId)).toEqual([ids[2]]);
    expect((await listed({ serialNumber: serial.replaceAll(':', '') })).items.map((i) => i.backendCertId)).toEqual([
      ids[0],
    ]);
    expect((await listed({ keyVault: 'true' })).total).toBe(0);
    const head = await api('HEAD', '/smime/v2?state=issued');
    expect(head.status).toBe(200);
    expect(head.headers.get('x-total-count')).toBe('3');
    expect(head.text).toBe('');
  });

  it("python-cert_manager's GET /smime/v1?size=&position= answers the v2 list", async () => {
    const a = await api('GET', '/smime/v1?size=200&position=0');
    expect(CertificateListSchema.parse(a.json).map((i) => i.backendCertId)).toEqual([...ids].reverse());
  });

  it("byPersonEmail (raw @ or %40) and byPersonId list a person's certificates", async () => {
    for (const email of ['list-b@example.com', 'list-b%40example.com']) {
      const a = await api('GET', `/smime/v2/byPersonEmail/${email}`);
      expect(CertificateListSchema.parse(a.json).map((i) => i.backendCertId)).toEqual([ids[2], ids[1]]);
    }
    const { personId } = PersonIdSchema.parse((await api('GET', '/person/v1/id/byEmail/list-a@example.com')).json);
    const a = await api('GET', restPath('smime.listByPersonId', { personId }));
    expect(CertificateListSchema.parse(a.json).map((i) => i.backendCertId)).toEqual([ids[0]]);
  });

  it('GET /smime/v1/{id} answers the details by certificate id', async () => {
    const item = (await listed({ backendCertId: ids[1] })).items[0];
    const a = await api('GET', restPath('smime.details', { id: item.id }));
    const info: CertificateInfo = CertificateInfoSchema.strict().parse(a.json);
    expect(info).toMatchObject({
      id: item.id,
      commonName: 'Alice Example',
      orgId: 1001,
      status: 'issued',
      backendCertId: ids[1],
      certType: { id: 102, name: 'ccm-mock S/MIME Signing' },
      term: 365,
      requestedVia: 'REST Enroll API',
      requested: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/) as string,
      issued: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/) as string,
      keyType: 'RSA - 2048',
      keyUsages: ['Digital Signature', 'Non Repudiation'],
      extendedKeyUsages: ['1.3.6.1.5.5.7.3.4'],
      subjectAlternativeNames: ['list-b@example.com'],
      suspendNotifications: false,
    });
    expect(info.serialNumber).toBe(item.serialNumber);
  });
});

describe('REST renew, replace, revoke', () => {
  const spkiOf = (pem: string) => new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  const leafOf = async (id: string) => pems((await collect(id, 'x509CO')).text)[0];

  it('renew by order and by serial: a new order, issued for the same key; the old one stays valid', async () => {
    const old = await enroll({ email: 'renew@example.com' });
    const oldLeaf = await leafOf(old);
    const byOrder = await api('POST', restPath('smime.renewByOrder', { backendCertId: old }));
    const renewed = EnrollResponseSchema.strict().parse(byOrder.json);
    expect(renewed.backendCertId).not.toBe(old);
    const newLeaf = await leafOf(renewed.backendCertId);
    expect(spkiOf(newLeaf)).toEqual(spkiOf(oldLeaf));
    expect(new X509Certificate(newLeaf).serialNumber).not.toBe(new X509Certificate(oldLeaf).serialNumber);
    expect(verifySmime(newLeaf, rootPem(), pems((await collect(renewed.backendCertId, 'x509IOR')).text)[0])).toMatch(
      /OK/,
    );

    const serial = new X509Certificate(oldLeaf).serialNumber;
    const bySerial = EnrollResponseSchema.parse((await api('POST', restPath('smime.renewBySerial', { serial }))).json);
    expect(spkiOf(await leafOf(bySerial.backendCertId))).toEqual(spkiOf(oldLeaf));
    expect((await listed({ backendCertId: old })).items[0].state).toBe('issued');
  });

  it('replace: a new order for the new CSR with the old parameters; the old certificate revoked (superseded)', async () => {
    const old = await enroll({ email: 'replace@example.com', certType: 102 });
    const a = await api('POST', restPath('smime.replace', { backendCertId: old }), {
      csr: readCsr('rsa-4096-sha512.csr'),
      reason: 'new key',
      revoke: true,
    });
    expect(a.status, a.text).toBe(204);
    expect(a.text).toBe('');
    const items = (await listed({ email: 'replace@example.com' })).items;
    expect(items.map((i) => i.state)).toEqual(['issued', 'revoked']);
    expect(mock.store.get(Number(old))!.revocation).toMatchObject({ reasonCode: 4, reason: 'new key' });
    const leaf = new X509Certificate(await leafOf(items[0].backendCertId));
    expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(openssl(['x509', '-noout', '-text'], leaf.toString())).toMatch(/Digital Signature, Non Repudiation\n/);
  });

  it('revoke by order, by serial and by email: 204, recorded with the reason code given (0 without one)', async () => {
    const a = await enroll({ email: 'revoke-a@example.com' });
    const b = await enroll({ email: 'revoke-b@example.com' });
    const c1 = await enroll({ email: 'revoke-c@example.com' });
    const c2 = await enroll({ email: 'revoke-c@example.com' });
    expect(
      (await api('POST', restPath('smime.revokeByOrder', { backendCertId: a }), { reason: 'left', reasonCode: 3 }))
        .status,
    ).toBe(204);
    expect(mock.store.get(Number(a))!.revocation).toMatchObject({
      reason: 'left',
      reasonCode: 3,
      by: 'smime.revokeByOrder',
    });
    const serial = new X509Certificate(await leafOf(b)).serialNumber;
    // the serial as openssl prints it, colon-separated
    const colons = serial.match(/../g)!.join(':');
    expect(
      (await api('POST', restPath('smime.revokeBySerial', { serialNumber: colons }), { reason: 'key lost' })).status,
    ).toBe(204);
    expect(mock.store.get(Number(b))!.revocation).toMatchObject({ reasonCode: 0 });
    expect(
      (await api('POST', '/smime/v1/revoke', { email: 'revoke-c@example.com', reason: 'gone', reasonCode: 5 })).status,
    ).toBe(204);
    expect([c1, c2].map((n) => mock.store.get(Number(n))!.revocation?.reasonCode)).toEqual([5, 5]);
  });

  it('revoke/manual marks a certificate revoked by certId or serial+issuer, and leaves it off the CRL', async () => {
    const a = await enroll({ email: 'manual-a@example.com' });
    const b = await enroll({ email: 'manual-b@example.com' });
    const c = await enroll({ email: 'manual-c@example.com' });
    const idOf = async (n: string) => (await listed({ backendCertId: n })).items[0].id;
    const m1 = await api('POST', '/smime/v1/revoke/manual', {
      certId: await idOf(a),
      serialNumber: null,
      issuer: null,
      revokeDate: '2025-05-21T12:24:56.548+00:00',
      reasonCode: 4,
    });
    expect(m1.status, m1.text).toBe(204);
    expect(mock.store.get(Number(a))!.revocation).toMatchObject({
      manual: true,
      reasonCode: 4,
      at: Date.parse('2025-05-21T12:24:56.548Z'),
    });
    const leafB = new X509Certificate(await leafOf(b));
    const m2 = await api('POST', '/smime/v1/revoke/manual', {
      serialNumber: leafB.serialNumber,
      issuer: leafB.issuer,
      reasonCode: 1,
    });
    expect(m2.status, m2.text).toBe(204);
    expect((await listed({ backendCertId: b })).items[0].state).toBe('revoked');
    // a revocation through the CA for comparison
    await api('POST', restPath('smime.revokeByOrder', { backendCertId: c }), { reason: '' });
    const crl = Buffer.from(await (await fetch(`${mock.url}/crl/intermediate.crl`)).arrayBuffer());
    const listedSerials = openssl(['crl', '-inform', 'DER', '-noout', '-text'], crl);
    expect(listedSerials).toContain(mock.store.get(Number(c))!.certificate!.serial.toUpperCase());
    expect(listedSerials).not.toContain(leafB.serialNumber);
    expect(listedSerials).not.toContain(mock.store.get(Number(a))!.certificate!.serial.toUpperCase());
  });
});

describe('REST persons', () => {
  it('POST /person/v1 answers 201 with the person in Location; byEmail finds its id', async () => {
    const a = await api('POST', '/person/v1', {
      firstName: 'Erin',
      middleName: null,
      lastName: 'Example',
      email: 'erin@example.com',
      validationType: 'STANDARD',
      organizationId: 1001,
      phone: '1234',
      secondaryEmails: ['erin.alt@example.com'],
      commonName: 'Erin Example',
      eppn: '',
      upn: null,
    });
    expect(a.status, a.text).toBe(201);
    const location = a.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${mock.url}/api/person/v1/\\d+$`));
    const id = Number(location.split('/').pop());
    const found = await api('GET', '/person/v1/id/byEmail/erin%40example.com');
    expect(PersonIdSchema.strict().parse(found.json)).toEqual({ personId: id });
    // no certificate yet: an empty list
    expect((await api('GET', restPath('smime.listByPersonId', { personId: id }))).json).toEqual([]);
  });
});
