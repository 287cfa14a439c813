import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcmClient, CcmStatusError } from '../../client/index.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import type { OperationName } from '../../wsdl/contract.js';
import { Status, STATUS_CODES, statusText } from '../../wsdl/status-codes.js';
import { readCsr } from '../support/fixtures.js';
import { SANDBOX, type Auth } from '../support/soap.js';

/**
 * Every negative code of the catalog, for every operation that answers it, reached through SOAP against the
 * mock and received by CcmClient as a CcmStatusError carrying the code, the operation and the catalog's text.
 * The last test keeps this table complete: a code added to the catalog needs a scenario here.
 */

let mock: MockServer;
let altered: MockServer; // a second mock whose state the -101 / -14 scenarios change (admin handle) for the length of one call

const client = (m: MockServer, auth: Auth = SANDBOX) =>
  new CcmClient({ endpoint: m.endpoint, auth, orgId: 1001, secretKey: 'sandbox-secret' });

beforeAll(async () => {
  mock = await createMockServer();
  altered = await createMockServer({ ca: mock.ca });
});
afterAll(async () => {
  await mock.close();
  await altered.close();
});

const admin = () => client(mock);
const second = () => client(mock, { login: 'second-admin', password: 'second', customerLoginUri: 'sandbox' });
const wrongPassword = () => client(mock, { ...SANDBOX, password: 'wrong' });
const readonly = () =>
  new CcmClient({
    endpoint: mock.endpoint,
    auth: { login: 'readonly-admin', password: 'readonly', customerLoginUri: 'readonly' },
    orgId: 3001,
    secretKey: 'readonly-secret',
  });
const csr = readCsr();
let n = 0;
const email = (tag = '') => `errors-${++n}${tag ? '+' + tag : ''}@example.com`;
const enrollReq = (over: Partial<Parameters<CcmClient['enroll']>[0]> = {}) => ({
  username: 'Error Path',
  email: email(),
  csr,
  ...over,
});
const tplReq = (over: Partial<Parameters<CcmClient['enroll']>[0]> = {}) =>
  enrollReq({ templates: ['smime-standard'], ...over });

/** an issued order of org 1001 and its serial */
async function issued(m = mock, tag = ''): Promise<{ order: number; serial: string }> {
  const c = client(m);
  const order = await c.enroll(enrollReq({ email: email(tag) }));
  const collected = await c.collect(order);
  return { order, serial: collected.ready ? collected.certificate.serialNumber : '' };
}
async function revoked(): Promise<{ order: number; serial: string }> {
  const o = await issued();
  await admin().revoke(o.order);
  return o;
}
const tagged = (tag: string) => admin().enroll(enrollReq({ email: email(tag) }));

/** Org 1001 of the second mock suspended (through the admin handle) for one call about an order made before. */
async function whileSuspended<T>(call: (c: CcmClient, o: { order: number; serial: string }) => Promise<T>): Promise<T> {
  const o = await issued(altered);
  altered.admin.updateOrganization(1001, { suspended: true });
  try {
    return await call(client(altered), o);
  } finally {
    altered.admin.updateOrganization(1001, { suspended: null });
  }
}

/** A status code queued through the admin handle (what POST /admin/api/faults does) for the next call. */
async function injected<T>(operation: OperationName, code: number, call: (c: CcmClient) => Promise<T>): Promise<T> {
  altered.admin.queueFault({ customer: 'sandbox', operation, code, count: 1 });
  try {
    return await call(client(altered));
  } finally {
    altered.admin.clearFaults({ customer: 'sandbox' });
  }
}

const UNKNOWN_ORDER = 2_000_000_000;
const LONG_REASON = 'r'.repeat(129);

const SCENARIOS: Record<string, () => Promise<unknown>> = {
  '-1 getCollectStatus': () => admin().getCollectStatus(-1),
  '-1 collect': () => admin().collect(0),
  '-1 revoke': () => admin().revoke(-1),
  '-2 getCollectStatus': () => admin().getCollectStatus(UNKNOWN_ORDER),
  '-2 collect': () => admin().collect(UNKNOWN_ORDER),
  '-2 revoke': () => admin().revoke(UNKNOWN_ORDER),
  '-3 revokeBySerialNumber': () => admin().revokeBySerialNumber('xyz'),
  '-4 revokeBySerialNumber': () => admin().revokeBySerialNumber('0badc0de0badc0de'),
  '-5 revoke': async () => admin().revoke((await issued()).order, LONG_REASON),
  '-5 revokeBySerialNumber': async () => admin().revokeBySerialNumber((await issued()).serial, LONG_REASON),
  '-7 enroll': () => admin().enroll(enrollReq({ csr: readCsr('bad-country.csr') })),
  '-7 enrollUsingKUTemplates': () => admin().enroll(tplReq({ csr: readCsr('bad-country.csr') })),
  '-9 enroll': () => admin().enroll(enrollReq({ csr: '!!! not base64 !!!' })),
  '-9 enrollUsingKUTemplates': () => admin().enroll(tplReq({ csr: '' })),
  '-10 enroll': () => admin().enroll(enrollReq({ csr: readCsr('certificate-not-csr.pem') })),
  '-10 enrollUsingKUTemplates': () => admin().enroll(tplReq({ csr: readCsr('certificate-not-csr.pem') })),
  '-11 enroll': () => admin().enroll(enrollReq({ csr: readCsr('ec-p256.csr') })),
  '-11 enrollUsingKUTemplates': () => admin().enroll(tplReq({ csr: readCsr('ed25519.csr') })),
  '-12 enroll': () => admin().enroll(enrollReq({ csr: readCsr('bad-signature.csr') })),
  '-12 enrollUsingKUTemplates': () => admin().enroll(tplReq({ csr: readCsr('bad-signature.csr') })),
  '-13 enroll': () => admin().enroll(enrollReq({ csr: readCsr('rsa-384.csr') })),
  '-13 enrollUsingKUTemplates': () => admin().enroll(tplReq({ csr: readCsr('rsa-8200.csr') })),
  '-14 enroll': () => injected('enroll', Status.UNKNOWN_ERROR, (c) => c.enroll(enrollReq())),
  '-14 enrollUsingKUTemplates': () =>
    injected('enrollUsingKUTemplates', Status.UNKNOWN_ERROR, (c) => c.enroll(tplReq())),
  '-14 getCollectStatus': async () => admin().getCollectStatus(await tagged('fail14')),
  '-14 collect': async () => admin().collect(await tagged('fail14')),
  '-14 revoke': async () => admin().revoke(await tagged('fail14')),
  '-14 revokeBySerialNumber': async () => {
    // +fail14 answers -14 to the first call about the order; the serial is read from the store so that call is this one
    const order = await tagged('fail14');
    return admin().revokeBySerialNumber(mock.store.get(order)!.certificate!.serial);
  },
  '-14 revokeAllByPerson': () =>
    injected('revokeAllByPerson', Status.UNKNOWN_ERROR, (c) =>
      c.revokeAllByPerson({ email: email(), org: 'Sandbox Org' }),
    ),
  '-16 enroll': () => second().enroll(enrollReq()),
  '-16 enrollUsingKUTemplates': () => second().enroll(tplReq()),
  '-16 getCollectStatus': async () => second().getCollectStatus((await issued()).order),
  '-16 collect': async () => second().collect((await issued()).order),
  '-16 revoke': async () => second().revoke((await issued()).order),
  '-16 revokeBySerialNumber': async () => second().revokeBySerialNumber((await issued()).serial),
  '-16 revokeAllByPerson': () => second().revokeAllByPerson({ email: 'carol@example.com', org: 'Sandbox Org' }),
  '-20 getCollectStatus': async () => admin().getCollectStatus(await tagged('reject')),
  '-20 collect': async () => admin().collect(await tagged('reject')),
  '-20 revoke': async () => admin().revoke(await tagged('reject')),
  '-20 revokeAllByPerson': async () =>
    admin().revokeAllByPerson({ email: mock.store.get(await tagged('reject'))!.email, org: 'Sandbox Org' }),
  '-21 getCollectStatus': async () => admin().getCollectStatus((await revoked()).order),
  '-21 collect': async () => admin().collect((await revoked()).order),
  '-21 revoke': async () => admin().revoke((await revoked()).order),
  '-21 revokeBySerialNumber': async () => admin().revokeBySerialNumber((await revoked()).serial),
  '-21 revokeAllByPerson': async () =>
    admin().revokeAllByPerson({ email: mock.store.get((await revoked()).order)!.email, org: 'Sandbox Org' }),
  '-22 collect': async () => admin().collect(await tagged('payment')),
  '-26 revoke': async () => admin().revoke(await tagged('issuing')),
  '-26 revokeAllByPerson': async () =>
    admin().revokeAllByPerson({ email: mock.store.get(await tagged('issuing'))!.email, org: 'Sandbox Org' }),
  '-30 enroll': () => admin().enroll(enrollReq({ username: 'x'.repeat(65) })),
  '-30 enrollUsingKUTemplates': () => admin().enroll(tplReq({ username: '   ' })),
  '-31 enroll': () => admin().enroll(enrollReq({ email: 'not-an-address' })),
  '-31 enrollUsingKUTemplates': () => admin().enroll(tplReq({ email: 'a@b' })),
  '-31 revokeAllByPerson': () => admin().revokeAllByPerson({ email: 'nobody', org: 'Sandbox Org' }),
  '-32 revokeAllByPerson': () => admin().revokeAllByPerson({ email: 'carol@example.com', org: 'No Such Org' }),
  '-100 enroll': () => wrongPassword().enroll(enrollReq()),
  '-100 enrollUsingKUTemplates': () => wrongPassword().enroll(tplReq()),
  '-100 getCollectStatus': () => wrongPassword().getCollectStatus(1),
  '-100 collect': () => wrongPassword().collect(1),
  '-100 revoke': () => wrongPassword().revoke(1),
  '-100 revokeBySerialNumber': () => wrongPassword().revokeBySerialNumber('01'),
  '-100 revokeAllByPerson': () => wrongPassword().revokeAllByPerson({ email: 'carol@example.com', org: 'Sandbox Org' }),
  '-101 enroll': () => admin().enroll(enrollReq({ secretKey: 'wrong-secret' })),
  '-101 enrollUsingKUTemplates': () => admin().enroll(tplReq({ orgId: 999_999 })),
  '-101 getCollectStatus': () => whileSuspended((c, o) => c.getCollectStatus(o.order)),
  '-101 collect': () => whileSuspended((c, o) => c.collect(o.order)),
  '-101 revoke': () => whileSuspended((c, o) => c.revoke(o.order)),
  '-101 revokeBySerialNumber': () => whileSuspended((c, o) => c.revokeBySerialNumber(o.serial)),
  '-101 revokeAllByPerson': () => admin().revokeAllByPerson({ email: 'x@suspended.example.net', org: 'Suspended Org' }),
  '-111 enroll': () => admin().enroll(enrollReq({ email: 'bob@example.net' })),
  '-111 enrollUsingKUTemplates': () => admin().enroll(tplReq({ email: 'bob@example.net' })),
  '-112 enrollUsingKUTemplates': () => admin().enroll(tplReq({ templates: ['no-such-template'] })),
  '-113 enrollUsingKUTemplates': () => admin().enroll(tplReq({ templates: ['legacy-smime'] })),
  '-114 enrollUsingKUTemplates': () => admin().enroll(tplReq({ templates: ['smime-signing-encryption'] })),
  '-120 enroll': () => readonly().enroll(enrollReq({ email: 'r@readonly.example.net' })),
  '-120 enrollUsingKUTemplates': () => readonly().enroll(tplReq({ email: 'r@readonly.example.net' })),
  '-120 getCollectStatus': () => readonly().getCollectStatus(1),
  '-120 collect': () => readonly().collect(1),
  '-120 revoke': () => readonly().revoke(1),
  '-120 revokeBySerialNumber': () => readonly().revokeBySerialNumber('01'),
  '-120 revokeAllByPerson': () =>
    readonly().revokeAllByPerson({ email: 'r@readonly.example.net', org: 'Read-only Org' }),
};

describe('CcmClient: a typed error for every negative code the mock answers through SOAP', () => {
  it.each(Object.keys(SCENARIOS))('%s', async (key) => {
    const [codeText, operation] = key.split(' ') as [string, OperationName];
    const code = Number(codeText);
    const error = await SCENARIOS[key]().then(
      (value) => new Error(`resolved with ${JSON.stringify(value)}`),
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(CcmStatusError);
    const e = error as CcmStatusError;
    expect({ code: e.code, operation: e.operation }).toEqual({ code, operation });
    expect(e.meaning).toBe(statusText(code, operation));
    expect(e.status).toBe(STATUS_CODES.find((s) => s.code === code)!.name);
    expect(e.documented).toBe(true);
    expect(e.message).toContain(e.meaning);
  });

  it('covers every (code, operation) pair of the catalog', () => {
    const catalog = STATUS_CODES.filter((e) => e.code < 0).flatMap((e) => e.operations.map((op) => `${e.code} ${op}`));
    expect(Object.keys(SCENARIOS).sort()).toEqual(catalog.sort());
  });
});
