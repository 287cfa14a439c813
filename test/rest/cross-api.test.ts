import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { Status } from '../../wsdl/status-codes.js';
import { CertificateInfoSchema, CertificateListSchema, restPath } from '../../wsdl/rest/index.js';
import { adminClient } from '../support/admin.js';
import { certificatesOf } from '../support/certs.js';
import { readCsr } from '../support/fixtures.js';
import { openssl, verifySmime } from '../support/openssl.js';
import { enrollBody, expectError, restClient } from '../support/rest.js';
import { call, enrollXml, orderXml, xmlEl } from '../support/soap.js';

/**
 * One set of orders, two APIs: an order enrolled over SOAP is collected and revoked over REST, one enrolled over
 * REST is polled, collected and revoked over SOAP (raw envelopes), and each API sees what the other did. The
 * REST backendCertId is the SOAP orderNumber.
 */

let mock: MockServer;
let api: ReturnType<typeof restClient>;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'cross-api' });
  api = restClient(mock.url);
});
afterAll(async () => {
  await mock.close();
});

const pems = (text: string) =>
  [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => m[0] + '\n');

async function soapEnroll(email: string): Promise<number> {
  const answer = await call(mock.endpoint, 'enroll', enrollXml({ email, csr: readCsr() }));
  expect(answer.schemaProblems).toEqual([]);
  expect(answer.code).toBeGreaterThan(0);
  return answer.code;
}

async function restEnroll(email: string): Promise<number> {
  const a = await api('POST', '/smime/v1/enroll', enrollBody({ email }));
  expect(a.status, a.text).toBe(200);
  return (a.json as { orderNumber: number }).orderNumber;
}

describe('SOAP enroll, REST collect and revoke', () => {
  it('REST collects the SOAP order by its orderNumber, in PKCS#7 and PEM, and openssl verifies it', async () => {
    const n = await soapEnroll('soap-first@example.com');
    const p7 = await api('GET', restPath('smime.collect', { backendCertId: n }));
    expect(p7.status).toBe(200);
    const certs = pems(openssl(['pkcs7', '-print_certs'], p7.text));
    expect(certs).toHaveLength(3);
    expect(verifySmime(certs[0], certs[2], certs[1])).toMatch(/OK/);
    // the same certificate SOAP collect returns
    const soap = await call(mock.endpoint, 'collect', orderXml(n));
    expect(soap.code).toBe(Status.AVAILABLE);
    expect(certificatesOf(soap.fields.certificate)[0]).toBe(certs[0]);
    const pem = await api('GET', restPath('smime.collect', { backendCertId: n }, { format: 'x509CO' }));
    expect(pem.text).toBe(certs[0]);
  });

  it("REST lists and details show the SOAP order (requested via the SOAP API, under its organization's default profile)", async () => {
    const n = await soapEnroll('soap-listed@example.com');
    const items = CertificateListSchema.parse((await api('GET', `/smime/v2?backendCertId=${n}`)).json);
    expect(items).toMatchObject([{ orderNumber: n, backendCertId: String(n), state: 'issued' }]);
    const info = CertificateInfoSchema.parse((await api('GET', restPath('smime.details', { id: items[0].id }))).json);
    expect(info).toMatchObject({
      requestedVia: 'API Enroll',
      certType: { id: 101 },
      term: 365,
      commonName: 'Alice Example',
    });
    // its person exists, made by the SOAP enroll from the username
    const person = await api('GET', '/person/v1/id/byEmail/soap-listed@example.com');
    expect(person.status).toBe(200);
  });

  it('REST revokes the SOAP order; SOAP getCollectStatus and collect then answer -21; the CRL lists it', async () => {
    const n = await soapEnroll('soap-revoked@example.com');
    const r = await api('POST', restPath('smime.revokeByOrder', { backendCertId: n }), {
      reason: 'key compromise',
      reasonCode: 1,
    });
    expect(r.status).toBe(204);
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(Status.REVOKED);
    expect((await call(mock.endpoint, 'collect', orderXml(n))).code).toBe(Status.REVOKED);
    const crl = Buffer.from(await (await fetch(`${mock.url}/crl/intermediate.crl`)).arrayBuffer());
    const text = openssl(['crl', '-inform', 'DER', '-noout', '-text'], crl);
    expect(text).toContain(mock.store.get(n)!.certificate!.serial.toUpperCase());
    expect(text).toMatch(/Key Compromise/);
  });

  it('REST renews a SOAP order: a REST order for the same person and key', async () => {
    const n = await soapEnroll('soap-renewed@example.com');
    const r = await api('POST', restPath('smime.renewByOrder', { backendCertId: n }));
    expect(r.status, r.text).toBe(200);
    const renewed = (r.json as { orderNumber: number }).orderNumber;
    expect(mock.store.get(renewed)).toMatchObject({
      api: 'rest',
      email: 'soap-renewed@example.com',
      rest: { renewalOf: n, certType: 101 },
    });
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(renewed))).code).toBe(Status.AVAILABLE);
  });
});

describe('REST enroll, SOAP getCollectStatus, collect and revoke', () => {
  it('SOAP polls and collects the REST order by its backendCertId; openssl verifies the certificate', async () => {
    const n = await restEnroll('rest-first@example.com');
    const status = await call(mock.endpoint, 'getCollectStatus', orderXml(n));
    expect(status.schemaProblems).toEqual([]);
    expect(status.code).toBe(Status.AVAILABLE);
    const collected = await call(mock.endpoint, 'collect', orderXml(n));
    expect(collected.schemaProblems).toEqual([]);
    const [leaf, issuing, root] = certificatesOf(collected.fields.certificate);
    expect(verifySmime(leaf, root, issuing)).toMatch(/OK/);
    expect(openssl(['x509', '-noout', '-ext', 'subjectAltName'], leaf)).toMatch(/email:rest-first@example.com/);
  });

  it("SOAP status polls count toward a REST order's +pending tag, as REST collects do", async () => {
    const n = await restEnroll('rest-pending+pending2@example.com');
    expectError(await api('GET', restPath('smime.collect', { backendCertId: n })), 400, -183);
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(Status.PROCESSING);
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(Status.AVAILABLE);
    expect((await api('GET', restPath('smime.collect', { backendCertId: n }))).status).toBe(200);
  });

  it('SOAP revokes the REST order (revoke, revokeBySerialNumber); REST collect then answers -110 and lists it revoked', async () => {
    const a = await restEnroll('rest-revoked-a@example.com');
    expect((await call(mock.endpoint, 'revoke', orderXml(a, undefined, xmlEl('reason', 'superseded')))).code).toBe(
      Status.SUCCESS,
    );
    expectError(await api('GET', restPath('smime.collect', { backendCertId: a })), 400, -110);

    const b = await restEnroll('rest-revoked-b@example.com');
    const serial = mock.store.get(b)!.certificate!.serial;
    const bySerial = await call(
      mock.endpoint,
      'revokeBySerialNumber',
      orderXml(b).replace(/<orderNumber>\d+<\/orderNumber>/, '') + xmlEl('serialNumber', serial) + xmlEl('reason', ''),
    );
    expect(bySerial.code).toBe(Status.SUCCESS);
    const items = CertificateListSchema.parse((await api('GET', `/smime/v2?backendCertId=${b}`)).json);
    expect(items[0].state).toBe('revoked');
    // revoking again over REST: already revoked
    expectError(await api('POST', restPath('smime.revokeByOrder', { backendCertId: b }), { reason: '' }), 400, -159);
  });

  it("SOAP revokeAllByPerson revokes the person's REST certificates", async () => {
    const n = await restEnroll('rest-person@example.com');
    const answer = await call(
      mock.endpoint,
      'revokeAllByPerson',
      orderXml(n).replace(/<orderNumber>\d+<\/orderNumber>/, '') +
        xmlEl('email', 'rest-person@example.com') +
        xmlEl('org', 'Sandbox Org'),
    );
    expect(answer.code).toBe(Status.SUCCESS);
    expect(mock.store.get(n)!.state).toBe('revoked');
  });
});

describe('order numbers and the admin view across APIs', () => {
  it("both APIs number orders alike, one customer's numbers never shared; the admin API and page show which API made each", async () => {
    const soap = await soapEnroll('numbers@example.com');
    const rest = await restEnroll('numbers@example.com');
    expect(rest).not.toBe(soap);
    // each API finds the other's order by its number
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(rest))).code).toBe(Status.AVAILABLE);
    expect((await api('GET', restPath('smime.collect', { backendCertId: soap }))).status).toBe(200);
    const admin = adminClient(mock.url);
    expect((await admin('GET', `/admin/api/orders/${soap}`)).body).toMatchObject({ api: 'soap' });
    expect((await admin('GET', `/admin/api/orders/${rest}`)).body).toMatchObject({
      api: 'rest',
      rest: { certType: 101, term: 365 },
    });
    const list = (await admin('GET', '/admin/api/orders?email=numbers@example.com')).body as Array<{ api: string }>;
    expect(list.map((o) => o.api)).toEqual(['rest', 'soap']);
    const page = await (await fetch(`${mock.url}/admin/orders/${rest}`)).text();
    expect(page).toContain('<dd id="api">REST API</dd>');
    const index = await (await fetch(`${mock.url}/admin?email=numbers@example.com`)).text();
    expect(index).toMatch(new RegExp(`data-order="${soap}"><td>.*?</td><td class="api">SOAP</td>`));
    expect(index).toMatch(new RegExp(`data-order="${rest}"><td>.*?</td><td class="api">REST</td>`));
  });

  it('the journal records both APIs, each call with its api, filterable', async () => {
    const admin = adminClient(mock.url);
    const since = ((await admin('GET', '/admin/api/journal?limit=1')).body as Array<{ seq: number }>)[0].seq;
    const n = await soapEnroll('journal@example.com');
    await api('GET', restPath('smime.collect', { backendCertId: n }));
    await api('GET', '/smime/v1/collect/999');
    await api('GET', '/smime/v1/types', undefined, {
      login: { login: 'admin', password: 'wrong', customerUri: 'sandbox' },
    });
    const entries = (await admin('GET', `/admin/api/journal?since=${since}`)).body as Array<Record<string, unknown>>;
    expect(entries).toMatchObject([
      { api: 'soap', operation: 'enroll', customer: 'sandbox', orderNumber: n, code: n, httpStatus: 200 },
      { api: 'rest', operation: 'smime.collect', customer: 'sandbox', orderNumber: n, httpStatus: 200 },
      { api: 'rest', operation: 'smime.collect', orderNumber: 999, code: -1104, httpStatus: 400 },
      { api: 'rest', operation: 'smime.listTypes', code: -16, httpStatus: 401 },
    ]);
    // a customerUri that did not authenticate is only a claim: the call is nobody's
    expect(entries[3].customer).toBeUndefined();
    const rest = (await admin('GET', `/admin/api/journal?since=${since}&api=rest`)).body as Array<{ api: string }>;
    expect(rest.map((e) => e.api)).toEqual(['rest', 'rest', 'rest']);
    expect((await admin('GET', '/admin/api/journal?api=ftp')).status).toBe(400);
  });
});
