import { X509Certificate } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import {
  REST_STATUS_CODES,
  restPath,
  restStatus,
  type RestOperationName,
  type RestStatusName,
} from '../../wsdl/rest/index.js';
import { readCsr } from '../support/fixtures.js';
import {
  enrollBody,
  errorsSeen,
  expectError,
  INJECTION_ONLY,
  OTHER_LOGIN,
  READONLY_LOGIN,
  restCall,
  restClient,
  SECOND_ADMIN,
  type RestAnswer,
} from '../support/rest.js';

/**
 * Every code of the REST catalog, each made by real input over HTTP (the catalog's status, code and description
 * checked), and for each the catalog lists the operation that answered it. The codes only fault injection makes
 * are in test/rest/faults-and-tags.test.ts; a last test holds the two lists to the whole catalog.
 */

let mock: MockServer;
let api: ReturnType<typeof restClient>;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'rest-error-codes', maxBodyBytes: 200_000 });
  api = restClient(mock.url);
});
afterAll(async () => {
  await mock.close();
});

async function enrolled(email = 'alice@example.com', over: Record<string, unknown> = {}): Promise<string> {
  const a = await api('POST', '/smime/v1/enroll', enrollBody({ email, ...over }));
  expect(a.status, a.text).toBe(200);
  return (a.json as { backendCertId: string }).backendCertId;
}

async function revoked(email = 'alice@example.com'): Promise<string> {
  const id = await enrolled(email);
  expect((await api('POST', restPath('smime.revokeByOrder', { backendCertId: id }), { reason: 'test' })).status).toBe(
    204,
  );
  return id;
}

const serialOf = async (id: string) => {
  const a = await api('GET', restPath('smime.collect', { backendCertId: id }, { format: 'x509CO' }));
  return new X509Certificate(a.text).serialNumber;
};

/** A raw request (a path fetch would normalise). */
function rawGet(path: string): Promise<RestAnswer> {
  const u = new URL(mock.url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path,
      method: 'GET',
      headers: { login: 'admin', password: 'sandbox', customerUri: 'sandbox' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const json = JSON.parse(text) as { code: number; description: string };
        errorsSeen.count++;
        resolve({ method: 'GET', status: res.statusCode ?? 0, headers: new Headers(), bytes, text, json, error: json });
      });
    });
    req.end();
  });
}

interface Case {
  name: RestStatusName;
  /** the operation that answers it (none: the HTTP layer, before an operation is known) */
  operation?: RestOperationName;
  title: string;
  run: () => Promise<RestAnswer>;
  description?: string | RegExp;
}

const enroll = (over: Record<string, unknown>, login = {}) =>
  api('POST', '/smime/v1/enroll', enrollBody(over), Object.keys(login).length ? { login } : {});

const CASES: Case[] = [
  // ---- who is calling ----
  {
    name: 'UNKNOWN_USER',
    operation: 'smime.listTypes',
    title: 'a wrong password',
    run: () =>
      api('GET', '/smime/v1/types', undefined, { login: { login: 'admin', password: 'nope', customerUri: 'sandbox' } }),
  },
  {
    name: 'UNKNOWN_USER',
    operation: 'smime.enroll',
    title: 'no login headers at all (before the body is read)',
    run: () =>
      restCall(mock.url, 'POST', '/smime/v1/enroll', undefined, {
        login: {},
        raw: '{not json',
        headers: { 'Content-Type': 'application/json' },
      }),
  },
  {
    name: 'UNKNOWN_USER',
    operation: 'smime.collect',
    title: 'an unknown customerUri',
    run: () =>
      api('GET', '/smime/v1/collect/1', undefined, {
        login: { login: 'admin', password: 'sandbox', customerUri: 'nobody' },
      }),
  },
  {
    name: 'NOT_AUTHORIZED',
    operation: 'smime.enroll',
    title: "the customer's forbiddenOperations (readonly)",
    run: () => enroll({}, READONLY_LOGIN),
    description: 'You are not authorized to perform smime.enroll.',
  },
  {
    name: 'NOT_AUTHORIZED',
    operation: 'smime.enroll',
    title: "the organization's forbiddenOperations (No-API Org, 1003)",
    run: () => enroll({ orgId: 1003, email: 'x@noapi.example.net' }),
  },
  {
    name: 'ACCESS_DENIED',
    operation: 'smime.enroll',
    title: 'an admin who may not act for the organization',
    run: () => enroll({}, SECOND_ADMIN),
  },
  {
    name: 'ACCESS_DENIED',
    operation: 'smime.listTypes',
    title: 'the profiles of an organization the admin may not act for',
    run: () => api('GET', '/smime/v1/types?organizationId=1001', undefined, { login: SECOND_ADMIN }),
  },
  {
    name: 'ACCESS_DENIED',
    operation: 'smime.details',
    title: "another organization's certificate",
    run: async () => {
      const id = await enrolled('access@example.com');
      const item = ((await api('GET', `/smime/v2?backendCertId=${id}`)).json as Array<{ id: number }>)[0];
      return api('GET', restPath('smime.details', { id: item.id }), undefined, { login: SECOND_ADMIN });
    },
  },
  {
    name: 'ACCESS_DENIED',
    operation: 'person.create',
    title: 'a person in an organization the admin may not act for',
    run: () =>
      api(
        'POST',
        '/person/v1',
        { firstName: 'A', lastName: 'B', email: 'ab@example.com', validationType: 'STANDARD', organizationId: 1001 },
        { login: SECOND_ADMIN },
      ),
  },
  {
    name: 'ORGANIZATION_NOT_ALLOWED',
    operation: 'smime.enroll',
    title: 'a suspended organization (1004)',
    run: () => enroll({ orgId: 1004, email: 'x@suspended.example.net' }),
    description: "This operation cannot be performed for Organization 'Suspended Org'.",
  },
  // ---- the request ----
  {
    name: 'REQUIRED_FIELD_MISSING',
    operation: 'smime.enroll',
    title: 'an empty body',
    run: () => api('POST', '/smime/v1/enroll', {}),
    description: 'orgId is required but missing.',
  },
  {
    name: 'REQUIRED_FIELD_MISSING',
    operation: 'smime.enroll',
    title: 'csr null',
    run: () => enroll({ csr: null }),
    description: 'csr is required but missing.',
  },
  {
    name: 'REQUIRED_FIELD_MISSING',
    operation: 'smime.revokeByEmail',
    title: 'revoke by email without an email',
    run: () => api('POST', '/smime/v1/revoke', { reason: 'x' }),
    description: 'email is required but missing.',
  },
  {
    name: 'REQUIRED_FIELD_MISSING',
    operation: 'smime.revokeManual',
    title: 'manual revoke naming no certificate',
    run: () => api('POST', '/smime/v1/revoke/manual', { reasonCode: 0 }),
    description: 'certId is required but missing.',
  },
  {
    name: 'REQUIRED_FIELD_MISSING',
    operation: 'smime.revokeManual',
    title: 'manual revoke by serial without the issuer',
    run: () => api('POST', '/smime/v1/revoke/manual', { serialNumber: '01' }),
    description: 'issuer is required but missing.',
  },
  {
    name: 'REQUIRED_FIELD_MISSING',
    operation: 'smime.replace',
    title: 'replace without a CSR',
    run: async () => api('POST', restPath('smime.replace', { backendCertId: await enrolled() }), { reason: 'x' }),
    description: 'csr is required but missing.',
  },
  {
    name: 'REQUIRED_FIELD_MISSING',
    operation: 'person.create',
    title: 'a person without validationType',
    run: () =>
      api('POST', '/person/v1', { firstName: 'A', lastName: 'B', email: 'ab@example.com', organizationId: 1001 }),
    description: 'validationType is required but missing.',
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.enroll',
    title: 'an email that is no email',
    run: () => enroll({ email: 'not-an-email' }),
    description: "Field 'email' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.enroll',
    title: 'a phone with letters',
    run: () => enroll({ phone: 'call me' }),
    description: "Field 'phone' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.enroll',
    title: 'a full name over 64 characters',
    run: () => enroll({ firstName: 'A'.repeat(40), lastName: 'B'.repeat(40) }),
    description: "Field 'firstName' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.enroll',
    title: 'a custom field value over 256 characters',
    run: () => enroll({ customFields: [{ name: 'costCenter', value: 'x'.repeat(257) }] }),
    description: "Field 'customFields[0].value' has invalid value.",
  },
  { name: 'INVALID_FIELD', operation: 'smime.enroll', title: 'orgId as text', run: () => enroll({ orgId: '1001' }) },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.revokeByOrder',
    title: 'a reason over 512 characters',
    run: async () =>
      api('POST', restPath('smime.revokeByOrder', { backendCertId: await enrolled() }), { reason: 'r'.repeat(513) }),
    description: "Field 'reason' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.revokeBySerial',
    title: 'reasonCode 2 (only 0, 1, 3-5)',
    run: () => api('POST', '/smime/v1/revoke/serial/01', { reason: '', reasonCode: 2 }),
    description: "Field 'reasonCode' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.revokeManual',
    title: 'a revokeDate that is no date',
    run: async () => {
      const id = await enrolled();
      const item = ((await api('GET', `/smime/v2?backendCertId=${id}`)).json as Array<{ id: number }>)[0];
      return api('POST', '/smime/v1/revoke/manual', { certId: item.id, revokeDate: 'yesterday' });
    },
    description: "Field 'revokeDate' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.list',
    title: 'a state that is none',
    run: () => api('GET', '/smime/v2?state=sleeping'),
    description: "Field 'state' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.list',
    title: 'size 0',
    run: () => api('GET', '/smime/v2?size=0'),
    description: "Field 'size' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.list',
    title: 'a filter ccm-mock does not apply',
    run: () => api('GET', '/smime/v2?keyAlgorithm=RSA'),
    description: "Field 'keyAlgorithm' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.count',
    title: 'HEAD with a bad position',
    run: () => api('HEAD', '/smime/v2?position=-1'),
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.listTypes',
    title: 'organizationId as text',
    run: () => api('GET', '/smime/v1/types?organizationId=abc'),
    description: "Field 'organizationId' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.details',
    title: 'an id that is no number',
    run: () => api('GET', '/smime/v1/abc'),
    description: "Field 'id' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'smime.listByPersonEmail',
    title: 'an email that is no email',
    run: () => api('GET', '/smime/v2/byPersonEmail/nobody'),
    description: "Field 'email' has invalid value.",
  },
  {
    name: 'INVALID_FIELD',
    operation: 'person.idByEmail',
    title: 'an email that is no email',
    run: () => api('GET', '/person/v1/id/byEmail/nobody'),
  },
  {
    name: 'INVALID_FIELD',
    operation: 'person.create',
    title: 'a person whose email a person has already',
    run: async () => {
      await enrolled('twice@example.com');
      return api('POST', '/person/v1', {
        firstName: 'T',
        lastName: 'W',
        email: 'twice@example.com',
        validationType: 'HIGH',
        organizationId: 1001,
      });
    },
    description: "Field 'email' has invalid value.",
  },
  {
    name: 'MALFORMED_REQUEST',
    operation: 'smime.enroll',
    title: 'a body that is not JSON',
    run: () =>
      api('POST', '/smime/v1/enroll', undefined, {
        raw: '{"orgId": 1001,',
        headers: { 'Content-Type': 'application/json' },
      }),
    description: /^The request body is not valid JSON: /,
  },
  {
    name: 'MALFORMED_REQUEST',
    operation: 'smime.revokeByEmail',
    title: 'a JSON array',
    run: () => api('POST', '/smime/v1/revoke', []),
    description: 'The request body is not valid JSON: the body must be a JSON object',
  },
  // ---- enrollment ----
  {
    name: 'ORGANIZATION_NOT_FOUND',
    operation: 'smime.enroll',
    title: 'an orgId of no organization',
    run: () => enroll({ orgId: 9999 }),
    description: "Organization '9999' not found.",
  },
  {
    name: 'ORGANIZATION_NOT_FOUND',
    operation: 'smime.enroll',
    title: "another customer's organization",
    run: () => enroll({ orgId: 2001 }),
  },
  {
    name: 'ORGANIZATION_NOT_FOUND',
    operation: 'smime.listTypes',
    title: 'organizationId of no organization',
    run: () => api('GET', '/smime/v1/types?organizationId=9999'),
  },
  {
    name: 'ORGANIZATION_NOT_FOUND',
    operation: 'person.create',
    title: 'a person in no organization',
    run: () =>
      api('POST', '/person/v1', {
        firstName: 'A',
        lastName: 'B',
        email: 'ab@example.com',
        validationType: 'STANDARD',
        organizationId: 9999,
      }),
  },
  {
    name: 'DOMAIN_NOT_ALLOWED',
    operation: 'smime.enroll',
    title: "an email outside the organization's domains",
    run: () => enroll({ email: 'bob@example.net' }),
    description: "Domain 'example.net' is not allowed.",
  },
  {
    name: 'DOMAIN_NOT_ALLOWED',
    operation: 'smime.enroll',
    title: 'a secondary email outside them',
    run: () => enroll({ secondaryEmails: ['bob@evil.example'] }),
    description: "Domain 'evil.example' is not allowed.",
  },
  {
    name: 'DOMAIN_NOT_ALLOWED',
    operation: 'person.create',
    title: 'a person outside them',
    run: () =>
      api('POST', '/person/v1', {
        firstName: 'A',
        lastName: 'B',
        email: 'ab@example.net',
        validationType: 'STANDARD',
        organizationId: 1001,
      }),
  },
  {
    name: 'PROFILE_NOT_FOUND',
    operation: 'smime.enroll',
    title: 'a certType of no profile',
    run: () => enroll({ certType: 999 }),
    description: 'No certificate profile found by id 999',
  },
  {
    name: 'PROFILE_INVALID',
    operation: 'smime.enroll',
    title: 'a profile the organization is not given (102 in Second Org)',
    run: () => enroll({ orgId: 1002, certType: 102, email: 'x@example.org' }),
  },
  {
    name: 'TERM_INVALID',
    operation: 'smime.enroll',
    title: "a term not among the profile's",
    run: () => enroll({ term: 100 }),
  },
  {
    name: 'MANDATORY_CUSTOM_FIELD',
    operation: 'smime.enroll',
    title: "the other customer's mandatory costCenter left out",
    run: () => enroll({ orgId: 2001, certType: 201, email: 'x@other.example.net' }, OTHER_LOGIN),
  },
  {
    name: 'MANDATORY_CUSTOM_FIELD',
    operation: 'smime.enroll',
    title: 'a mandatory field given empty',
    run: () =>
      enroll(
        { orgId: 2001, certType: 201, email: 'x@other.example.net', customFields: [{ name: 'costCenter', value: '' }] },
        OTHER_LOGIN,
      ),
  },
  {
    name: 'CUSTOM_FIELD_NOT_FOUND',
    operation: 'smime.enroll',
    title: 'a custom field the customer does not define',
    run: () => enroll({ customFields: [{ name: 'shoeSize', value: '42' }] }),
  },
  {
    name: 'CSR_NOT_BASE64',
    operation: 'smime.enroll',
    title: 'a CSR that is not base64',
    run: () => enroll({ csr: '-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----' }),
  },
  {
    name: 'CSR_DECODING_ERROR',
    operation: 'smime.enroll',
    title: 'a certificate instead of a CSR',
    run: () => enroll({ csr: readCsr('certificate-not-csr.pem') }),
  },
  {
    name: 'CSR_UNSUPPORTED_ALGORITHM',
    operation: 'smime.enroll',
    title: 'an EC key',
    run: () => enroll({ csr: readCsr('ec-p256.csr') }),
  },
  {
    name: 'CSR_UNSUPPORTED_KEY_SIZE',
    operation: 'smime.enroll',
    title: "a 384-bit RSA key (below the CA's 2048)",
    run: () => enroll({ csr: readCsr('rsa-384.csr') }),
  },
  {
    name: 'PROFILE_KEY_SIZE',
    operation: 'smime.enroll',
    title: "an 8192-bit key the profile's keyTypes do not list",
    run: () => enroll({ csr: readCsr('rsa-8192.csr') }),
  },
  {
    name: 'PROFILE_KEY_SIZE',
    operation: 'smime.replace',
    title: 'replace with an 8192-bit key',
    run: async () =>
      api('POST', restPath('smime.replace', { backendCertId: await enrolled() }), { csr: readCsr('rsa-8192.csr') }),
  },
  {
    name: 'INVALID_CSR',
    operation: 'smime.enroll',
    title: 'a CSR whose signature does not verify',
    run: () => enroll({ csr: readCsr('bad-signature.csr') }),
  },
  {
    name: 'INVALID_CSR',
    operation: 'smime.replace',
    title: 'replace with a CSR whose country is no ISO code',
    run: async () =>
      api('POST', restPath('smime.replace', { backendCertId: await enrolled() }), { csr: readCsr('bad-country.csr') }),
  },
  // ---- orders ----
  {
    name: 'INVALID_ORDER_NUMBER',
    operation: 'smime.collect',
    title: 'a backendCertId that is no number',
    run: () => api('GET', '/smime/v1/collect/abc'),
    description: 'Invalid order number abc',
  },
  {
    name: 'INVALID_ORDER_NUMBER',
    operation: 'smime.collect',
    title: 'an order number never issued',
    run: () => api('GET', '/smime/v1/collect/999'),
  },
  {
    name: 'INVALID_ORDER_NUMBER',
    operation: 'smime.collect',
    title: "another customer's order",
    run: async () => {
      const id = await enrolled();
      return api('GET', `/smime/v1/collect/${id}`, undefined, { login: OTHER_LOGIN });
    },
  },
  {
    name: 'INVALID_ORDER_NUMBER',
    operation: 'smime.revokeByOrder',
    title: 'revoke an order never issued',
    run: () => api('POST', '/smime/v1/revoke/order/999', { reason: '' }),
  },
  {
    name: 'INVALID_ORDER_NUMBER',
    operation: 'smime.renewByOrder',
    title: 'renew an order never issued',
    run: () => api('POST', '/smime/v2/renew/order/999'),
  },
  {
    name: 'INVALID_ORDER_NUMBER',
    operation: 'smime.replace',
    title: 'replace an order never issued',
    run: () => api('POST', '/smime/v2/replace/order/999', { csr: readCsr() }),
  },
  {
    name: 'CERTIFICATE_NOT_FOUND',
    operation: 'smime.details',
    title: 'a certificate id of none',
    run: () => api('GET', '/smime/v1/12345'),
    description: 'Certificate not found. 12345',
  },
  {
    name: 'CERTIFICATE_NOT_FOUND',
    operation: 'smime.details',
    title: 'a backendCertId passed as the id',
    run: async () => api('GET', restPath('smime.details', { id: await enrolled() })),
  },
  {
    name: 'CERTIFICATE_NOT_FOUND',
    operation: 'smime.revokeBySerial',
    title: 'a serial of none',
    run: () => api('POST', '/smime/v1/revoke/serial/test:serial', { reason: '' }),
    description: 'Certificate not found. test:serial',
  },
  {
    name: 'CERTIFICATE_NOT_FOUND',
    operation: 'smime.renewBySerial',
    title: 'renew a serial of none',
    run: () => api('POST', '/smime/v2/renew/serial/0A0B'),
  },
  {
    name: 'CERTIFICATE_NOT_FOUND',
    operation: 'smime.revokeManual',
    title: 'manual revoke of a certId of none',
    run: () => api('POST', '/smime/v1/revoke/manual', { certId: 1 }),
  },
  {
    name: 'UNKNOWN_ERROR',
    operation: 'smime.collect',
    title: 'the +fail14 tag: the next call about the order',
    run: async () => api('GET', `/smime/v1/collect/${await enrolled('fail+fail14@example.com')}`),
  },
  // ---- collect ----
  {
    name: 'NOT_COLLECTABLE',
    operation: 'smime.collect',
    title: 'an order still pending (+pending3)',
    run: async () => api('GET', `/smime/v1/collect/${await enrolled('slow+pending3@example.com')}`),
  },
  {
    name: 'NOT_COLLECTABLE',
    operation: 'smime.collect',
    title: 'an order awaiting payment',
    run: async () => api('GET', `/smime/v1/collect/${await enrolled('pay+payment@example.com')}`),
  },
  {
    name: 'NOT_AVAILABLE',
    operation: 'smime.collect',
    title: 'a rejected order (+reject)',
    run: async () => api('GET', `/smime/v1/collect/${await enrolled('no+reject@example.com')}`),
  },
  {
    name: 'REVOKED',
    operation: 'smime.collect',
    title: 'a revoked certificate',
    run: async () => api('GET', `/smime/v1/collect/${await revoked()}`),
    description: 'Certificate has been revoked and cannot be downloaded.',
  },
  {
    name: 'UNSUPPORTED_FORMAT',
    operation: 'smime.collect',
    title: 'format pkcs12 (not in the docs)',
    run: async () => api('GET', `/smime/v1/collect/${await enrolled()}?format=pkcs12`),
    description: 'Unsupported certificate format specified: pkcs12',
  },
  {
    name: 'UNSUPPORTED_FORMAT',
    operation: 'smime.collect',
    title: 'a format in the wrong case',
    run: () => api('GET', '/smime/v1/collect/999?format=X509CO'),
  },
  // ---- revoke ----
  {
    name: 'ONLY_ISSUED_REVOCABLE',
    operation: 'smime.revokeByOrder',
    title: 'revoke an order still pending',
    run: async () =>
      api('POST', `/smime/v1/revoke/order/${await enrolled('wait+pending5@example.com')}`, { reason: '' }),
  },
  {
    name: 'ONLY_ISSUED_REVOCABLE',
    operation: 'smime.revokeByOrder',
    title: 'revoke a rejected order',
    run: async () => api('POST', `/smime/v1/revoke/order/${await enrolled('nope+reject@example.com')}`, { reason: '' }),
  },
  {
    name: 'ONLY_ISSUED_REVOCABLE',
    operation: 'smime.revokeManual',
    title: 'manual revoke of an order still pending',
    run: async () => {
      const id = await enrolled('wait2+pending5@example.com');
      const item = ((await api('GET', `/smime/v2?backendCertId=${id}`)).json as Array<{ id: number }>)[0];
      return api('POST', '/smime/v1/revoke/manual', { certId: item.id });
    },
  },
  {
    name: 'ALREADY_REVOKED',
    operation: 'smime.revokeByOrder',
    title: 'revoke twice',
    run: async () => api('POST', `/smime/v1/revoke/order/${await revoked()}`, { reason: '' }),
  },
  {
    name: 'ALREADY_REVOKED',
    operation: 'smime.revokeBySerial',
    title: 'revoke a revoked serial',
    run: async () =>
      api(
        'POST',
        restPath('smime.revokeBySerial', {
          serialNumber: await serialOf(await enrolled()).then(async (s) => {
            await api('POST', '/smime/v1/revoke/serial/' + s, { reason: '' });
            return s;
          }),
        }),
        { reason: '' },
      ),
  },
  {
    name: 'ALREADY_REVOKED',
    operation: 'smime.revokeManual',
    title: 'manual revoke of a revoked certificate',
    run: async () => {
      const id = await revoked();
      const item = ((await api('GET', `/smime/v2?backendCertId=${id}`)).json as Array<{ id: number }>)[0];
      return api('POST', '/smime/v1/revoke/manual', { certId: item.id });
    },
  },
  {
    name: 'NO_VALID_CERTIFICATES',
    operation: 'smime.revokeByEmail',
    title: 'a person with no valid certificate',
    run: () => api('POST', '/smime/v1/revoke', { email: 'nobody@example.com', reason: '' }),
    description: 'No valid client certificates found for nobody@example.com.',
  },
  // ---- renew, persons ----
  {
    name: 'RENEW_FAILED',
    operation: 'smime.renewByOrder',
    title: 'renew an order still pending',
    run: async () => api('POST', `/smime/v2/renew/order/${await enrolled('wait3+pending5@example.com')}`),
    description: 'Error was occurred while renewing cert. Status = requested',
  },
  {
    name: 'RENEW_FAILED',
    operation: 'smime.renewBySerial',
    title: 'renew a revoked certificate',
    run: async () => {
      const id = await enrolled();
      const serial = await serialOf(id);
      await api('POST', `/smime/v1/revoke/order/${id}`, { reason: '' });
      return api('POST', `/smime/v2/renew/serial/${serial}`);
    },
    description: 'Error was occurred while renewing cert. Status = revoked',
  },
  {
    name: 'RENEW_FAILED',
    operation: 'smime.replace',
    title: 'replace a rejected order',
    run: async () =>
      api('POST', `/smime/v2/replace/order/${await enrolled('no2+reject@example.com')}`, { csr: readCsr() }),
  },
  {
    name: 'PERSON_NOT_FOUND',
    operation: 'person.idByEmail',
    title: 'an email of no person',
    run: () => api('GET', '/person/v1/id/byEmail/ghost@example.com'),
    description: 'Person not found.',
  },
  {
    name: 'PERSON_NOT_FOUND',
    operation: 'smime.listByPersonEmail',
    title: 'the certificates of no person',
    run: () => api('GET', '/smime/v2/byPersonEmail/ghost@example.com'),
  },
  {
    name: 'PERSON_NOT_FOUND',
    operation: 'smime.listByPersonId',
    title: 'a person id of none',
    run: () => api('GET', '/smime/v2/byPersonId/424242'),
  },
  {
    name: 'PERSON_NOT_FOUND',
    operation: 'smime.list',
    title: 'a personId filter of none',
    run: () => api('GET', '/smime/v2?personId=424242'),
  },
  // ---- the HTTP layer ----
  {
    name: 'NO_SUCH_RESOURCE',
    title: 'a path under /api that is no endpoint',
    run: () => api('GET', '/smime/v3/types'),
    description: 'No such resource: GET /api/smime/v3/types',
  },
  {
    name: 'NO_SUCH_RESOURCE',
    title: 'a path in the wrong case (paths are case-sensitive)',
    run: () => api('GET', '/SMIME/v1/types'),
  },
  {
    name: 'METHOD_NOT_ALLOWED',
    title: 'PUT on the enroll path',
    run: () => api('PUT', '/smime/v1/enroll', {}),
    description: 'Method PUT is not allowed here',
  },
  {
    name: 'UNSUPPORTED_MEDIA_TYPE',
    title: 'a form-encoded body (curl -d without a Content-Type)',
    run: () =>
      api('POST', '/smime/v1/revoke', undefined, {
        raw: 'email=a@example.com',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
  },
  {
    name: 'UNSUPPORTED_MEDIA_TYPE',
    title: 'JSON in a charset other than UTF-8',
    run: () =>
      api('POST', '/smime/v1/revoke', undefined, {
        raw: '{"email":"a@example.com"}',
        headers: { 'Content-Type': 'application/json; charset=iso-8859-1' },
      }),
  },
  { name: 'BAD_REQUEST', title: 'a path with broken %-encoding', run: () => rawGet('/api/smime/v1/collect/%E0%A4%A') },
  {
    name: 'BODY_TOO_LARGE',
    title: 'a body over maxBodyBytes',
    run: () => enroll({ comments: 'x'.repeat(250_000) }),
    description: 'The request body is larger than 200000 bytes',
  },
];

describe('REST error codes, each by real input', () => {
  for (const c of CASES) {
    it(`${c.name} (${restStatus(c.name).code}, HTTP ${restStatus(c.name).http})${c.operation ? ` from ${c.operation}` : ''}: ${c.title}`, async () => {
      const entry = restStatus(c.name);
      const a = await c.run();
      expectError(a, entry.http, entry.code, c.description);
      if (c.operation)
        expect(entry.operations, `the catalog lists ${c.name} for ${c.operation}`).toContain(c.operation);
      else expect(entry.operations).toEqual([]);
    });
  }

  it('METHOD_NOT_ALLOWED names the allowed methods in Allow', async () => {
    expect((await api('DELETE', '/smime/v2')).headers.get('allow')).toBe('GET, HEAD');
    expect((await api('GET', '/smime/v1/revoke/manual')).headers.get('allow')).toBe('POST');
  });

  it("with restRevokedCollectCode -192, collect of a revoked certificate answers -192 (python-cert_manager's RevokedError)", async () => {
    const py = await createMockServer({ seed: 'rest-error-codes', restRevokedCollectCode: '-192', ca: mock.ca });
    try {
      const client = restClient(py.url);
      const id = ((await client('POST', '/smime/v1/enroll', enrollBody())).json as { backendCertId: string })
        .backendCertId;
      await client('POST', `/smime/v1/revoke/order/${id}`, { reason: '' });
      const entry = restStatus('REVOKED_PYTHON_CERT_MANAGER');
      expectError(
        await client('GET', `/smime/v1/collect/${id}`),
        entry.http,
        -192,
        'The Certificate has been revoked!',
      );
    } finally {
      await py.close();
    }
  });

  it('covers the whole catalog: every code has a case here or is injected in faults-and-tags.test.ts', () => {
    const here = new Set<string>([...CASES.map((c) => c.name), 'REVOKED_PYTHON_CERT_MANAGER', ...INJECTION_ONLY]);
    expect(REST_STATUS_CODES.map((e) => e.name).filter((n) => !here.has(n))).toEqual([]);
    expect(errorsSeen.count).toBeGreaterThanOrEqual(CASES.length);
  });
});
