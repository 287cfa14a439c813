import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES } from '../../server/admin/api.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import {
  adminCall,
  adminClient,
  type AdminInfo,
  type ClockView,
  type FaultView,
  type JournalEntry,
  type OrderDetail,
  type OrderSummary,
  type OrganizationView,
  type ResetAnswer,
  type RouteList,
} from '../support/admin.js';
import { certificatesOf } from '../support/certs.js';
import { readCsr } from '../support/fixtures.js';
import { authXml, call, enrollXml, orderXml, SANDBOX, xmlEl, type Auth } from '../support/soap.js';

/** The admin JSON API route by route, each change checked from the SOAP side. */

let mock: MockServer;
let admin: ReturnType<typeof adminClient>;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'admin-api' });
  admin = adminClient(mock.url);
});
afterAll(() => mock.close());

async function enroll(
  email: string,
  auth: Auth = SANDBOX,
  orgId = 1001,
  secretKey = 'sandbox-secret',
): Promise<number> {
  const answer = await call(mock.endpoint, 'enroll', enrollXml({ email, csr: readCsr(), auth, orgId, secretKey }));
  expect(answer.code).toBeGreaterThan(0);
  return answer.code;
}
const status = async (n: number, auth: Auth = SANDBOX) =>
  (await call(mock.endpoint, 'getCollectStatus', orderXml(n, auth))).code;
const collect = async (n: number) => await call(mock.endpoint, 'collect', orderXml(n));
const revoke = async (n: number) =>
  (await call(mock.endpoint, 'revoke', orderXml(n, SANDBOX, xmlEl('reason', '')))).code;

describe('GET /admin/api and /admin/api/info', () => {
  it('lists its routes', async () => {
    const res = await admin<RouteList>('GET', '/admin/api');
    expect(res.status).toBe(200);
    expect(res.body.routes).toHaveLength(ADMIN_ROUTES.length);
  });

  it('shows the seed, the clock and the CA downloads', async () => {
    const res = await admin<AdminInfo>('GET', '/admin/api/info');
    expect(res.body).toMatchObject({
      seed: 'admin-api',
      defaultDelay: 'instant',
      adminTokenRequired: false,
      ca: { rootPem: '/ca/root.pem', chainPem: '/ca/chain.pem' },
    });
    expect(Date.parse(res.body.clock.now)).toBeGreaterThan(0);
    expect(res.body.organizations).toContainEqual({
      customer: 'sandbox',
      orgId: 1004,
      name: 'Suspended Org',
      suspended: true,
      delay: 'instant',
    });
  });
});

describe('orders', () => {
  it('GET /admin/api/orders filters by customer, org, email and state, newest first', async () => {
    const a = await enroll('list-a@example.com');
    const b = await enroll('list-b+reject@example.com');
    const c = await enroll('list-c@example.org', SANDBOX, 1002, 'second-secret');
    const d = await enroll(
      'list@other.example.net',
      { login: 'other-admin', password: 'other', customerLoginUri: 'other' },
      2001,
      'other-secret',
    );
    const orderNumbers = async (query: string) =>
      (await admin<OrderSummary[]>('GET', `/admin/api/orders${query}`)).body.map((o) => o.orderNumber);
    expect((await orderNumbers('')).slice(0, 4)).toEqual([d, c, b, a]);
    expect(await orderNumbers('?customer=other')).toEqual([d]);
    expect(await orderNumbers('?org=1002')).toEqual([c]);
    const byEmail = (await admin<OrderSummary[]>('GET', '/admin/api/orders?email=LIST-A@example.com')).body;
    expect(byEmail).toHaveLength(1);
    expect(byEmail[0]).toMatchObject({
      orderNumber: a,
      state: 'issued',
      email: 'list-a@example.com',
      username: 'Alice Example',
      customer: 'sandbox',
      orgId: 1001,
      orgName: 'Sandbox Org',
      enrolledBy: 'admin',
      actions: ['revoke'],
    });
    expect(byEmail[0].serial).toMatch(/^[0-9a-f]{32}$/);
    expect(await orderNumbers('?state=rejected&customer=sandbox')).toContain(b);
    expect((await admin('GET', '/admin/api/orders?limit=2')).body).toHaveLength(2);
  });

  it('answers 400 for bad filters', async () => {
    expect((await admin('GET', '/admin/api/orders?state=lost')).status).toBe(400);
    expect((await admin('GET', '/admin/api/orders?org=abc')).body).toEqual({
      error: 'org must be a whole number from 1 to 2147483647, got "abc"',
      status: 400,
    });
    expect((await admin('GET', '/admin/api/orders?limit=0')).status).toBe(400);
  });

  it('GET /admin/api/orders/{n} gives the certificate and the state history; /certificate the PEM', async () => {
    const n = await enroll('detail+pending1@example.com');
    const before = (await admin<OrderDetail>('GET', `/admin/api/orders/${n}`)).body;
    expect(before).toMatchObject({
      orderNumber: n,
      state: 'processing',
      tags: ['pending1'],
      next: { to: 'issued', afterPolls: 1 },
      actions: ['approve', 'reject', 'issue'],
    });
    expect(before.certificate).toBeUndefined();
    expect((await admin('GET', `/admin/api/orders/${n}/certificate`)).status).toBe(404);
    expect(await status(n)).toBe(0);
    expect(await status(n)).toBe(1);
    const after = (await admin<OrderDetail>('GET', `/admin/api/orders/${n}`)).body;
    expect(after.history.map((h) => h.state)).toEqual(['processing', 'issued']);
    expect(after.polls).toBe(2);
    const cert = after.certificate!;
    expect(cert.subjectAltName).toBe('email:detail+pending1@example.com');
    expect(cert.subject).toContain('CN=Alice Example');
    expect(cert.issuer).toContain('NOT FOR PRODUCTION');
    const pem = await fetch(`${mock.url}/admin/api/orders/${n}/certificate`).then((r) => r.text());
    expect(pem).toBe(cert.pem);
    const [leaf] = certificatesOf((await collect(n)).fields.certificate);
    expect(new X509Certificate(leaf).fingerprint256).toBe(cert.fingerprint256);
  });

  it('404 for an unknown order, 400 for a bad order number, 404 for an unknown action', async () => {
    expect(await admin('GET', '/admin/api/orders/424242')).toMatchObject({
      status: 404,
      body: { error: 'order 424242 not found' },
    });
    expect((await admin('POST', '/admin/api/orders/424242/approve')).status).toBe(404);
    expect((await admin('GET', '/admin/api/orders/abc')).status).toBe(400);
    const n = await enroll('action@example.com');
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${n}/destroy`)).status).toBe(404);
  });
});

describe('manual transitions (POST /admin/api/orders/{n}/approve | reject | pay | issue | revoke)', () => {
  it('approve: processing -> issued; a second approve is 409', async () => {
    const n = await enroll('approve+delay1h@example.com');
    expect(await status(n)).toBe(0);
    const res = await admin<OrderDetail>('POST', `/admin/api/orders/${n}/approve`, { note: 'looks fine' });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('issued');
    expect(res.body.history.at(-1)?.note).toBe('approved by admin: looks fine');
    expect(await status(n)).toBe(1);
    const again = await admin('POST', `/admin/api/orders/${n}/approve`);
    expect(again).toMatchObject({
      status: 409,
      body: { error: `cannot approve order ${n}: it is issued (approve is allowed from processing)`, status: 409 },
    });
  });

  it('approve overrides a scripted reject but keeps a scripted payment', async () => {
    const r = await enroll('approve-r+reject+delay1h@example.com');
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${r}/approve`)).body.state).toBe('issued');
    const p = await enroll('approve-p+payment+delay1h@example.com');
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${p}/approve`)).body.state).toBe('awaiting-payment');
    expect((await collect(p)).code).toBe(-22);
  });

  it('reject: processing or awaiting payment -> rejected (collect -20); not an issued order', async () => {
    const n = await enroll('reject-me+delay1h@example.com');
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${n}/reject`)).body.state).toBe('rejected');
    expect((await collect(n)).code).toBe(-20);
    const p = await enroll('reject-me+payment@example.com');
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${p}/reject`)).body.state).toBe('rejected');
    const i = await enroll('issued-already@example.com');
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${i}/reject`)).status).toBe(409);
  });

  it('pay: awaiting payment -> issued; only from awaiting payment', async () => {
    const n = await enroll('pay-me+payment@example.com');
    expect((await collect(n)).code).toBe(-22);
    const res = await admin<OrderDetail>('POST', `/admin/api/orders/${n}/pay`);
    expect(res.body.state).toBe('issued');
    expect(res.body.history.map((h) => h.state)).toEqual(['processing', 'awaiting-payment', 'issuing', 'issued']);
    expect((await collect(n)).code).toBe(1);
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${n}/pay`)).status).toBe(409);
  });

  it('issue: forces issuance out of processing and of the "being issued" window', async () => {
    const n = await enroll('force+pending99@example.com');
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${n}/issue`)).body.state).toBe('issued');
    expect(await status(n)).toBe(1);
    const w = await enroll('force+issuing50@example.com');
    expect(await revoke(w)).toBe(-26);
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${w}/issue`)).body.state).toBe('issued');
    expect(await revoke(w)).toBe(0);
  });

  it('revoke: issued -> revoked with the reason (collect -21); 409 before issue', async () => {
    const n = await enroll('revoke-admin@example.com');
    const res = await admin('POST', `/admin/api/orders/${n}/revoke`, { reason: 'key compromise' });
    expect(res.body).toMatchObject({
      state: 'revoked',
      revocation: { reason: 'key compromise', reasonCode: 1, by: 'admin' },
    });
    expect((await collect(n)).code).toBe(-21);
    const p = await enroll('revoke-admin+payment@example.com');
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${p}/revoke`)).status).toBe(409);
  });
});

describe('the clock (POST /admin/api/clock/advance)', () => {
  it('moves time: delays elapse, certificates are issued at the mock time and age', async () => {
    const before = (await admin<ClockView>('GET', '/admin/api/clock')).body;
    const n = await enroll('clock+delay2d@example.com');
    expect(await status(n)).toBe(0);
    const moved = await admin<ClockView>('POST', '/admin/api/clock/advance', { by: '2d' });
    expect(moved.body.offsetMs - before.offsetMs).toBe(2 * 86_400_000);
    expect(await status(n)).toBe(1);
    const [leaf] = certificatesOf((await collect(n)).fields.certificate);
    const x509 = new X509Certificate(leaf);
    // issued "now" on the mock's clock, two days ahead of real time
    expect(Math.abs(Date.parse(x509.validFrom) - Date.parse(moved.body.now))).toBeLessThan(60_000);
    expect(Date.parse(x509.validFrom) - Date.now()).toBeGreaterThan(86_400_000);
    await admin('POST', '/admin/api/clock/advance', { ms: 400 * 86_400_000 });
    expect(Date.parse((await admin<ClockView>('GET', '/admin/api/clock')).body.now)).toBeGreaterThan(
      Date.parse(x509.validTo),
    ); // the certificate has expired on the mock's clock
  });

  it('refuses going back or a bad duration', async () => {
    expect((await admin('POST', '/admin/api/clock/advance', { by: '-5s' })).status).toBe(400);
    expect((await admin('POST', '/admin/api/clock/advance', { by: '3polls' })).status).toBe(400);
    expect((await admin('POST', '/admin/api/clock/advance', {})).status).toBe(400);
    expect((await admin('POST', '/admin/api/clock/advance', { ms: -1 })).status).toBe(400);
  });
});

describe('organizations (PATCH /admin/api/orgs/{orgId})', () => {
  it('suspending an organization makes its order operations answer -101, until reinstated', async () => {
    const n = await enroll('suspend-me@example.com');
    const res = await admin('PATCH', '/admin/api/orgs/1001', { suspended: true });
    expect(res.body).toMatchObject({ orgId: 1001, suspended: true });
    try {
      expect(await status(n)).toBe(-101);
      expect((await collect(n)).code).toBe(-101);
      expect(await revoke(n)).toBe(-101);
      expect((await call(mock.endpoint, 'enroll', enrollXml({ email: 'x@example.com', csr: readCsr() }))).code).toBe(
        -101,
      );
    } finally {
      await admin('PATCH', '/admin/api/orgs/1001', { suspended: null });
    }
    expect(await status(n)).toBe(1);
    expect(
      (await admin<OrganizationView[]>('GET', '/admin/api/orgs')).body.find((o) => o.orgId === 1004)?.suspended,
    ).toBe(true);
  });

  it('answers 404 for an unknown organization and 400 for bad fields', async () => {
    expect((await admin('PATCH', '/admin/api/orgs/9999', { suspended: true })).status).toBe(404);
    expect((await admin('PATCH', '/admin/api/orgs/1001', { suspended: 'yes' })).status).toBe(400);
    expect((await admin('PATCH', '/admin/api/orgs/1001', { delay: 'later' })).status).toBe(400);
    expect((await admin('PATCH', '/admin/api/orgs/1001', { name: 'x' })).status).toBe(400);
  });
});

describe('journal (GET /admin/api/journal)', () => {
  it('records every SOAP call with operation, customer, order, code and latency', async () => {
    const last = (await admin<JournalEntry[]>('GET', '/admin/api/journal?limit=1')).body[0]?.seq ?? 0;
    const n = await enroll('journal@example.com');
    await status(n);
    await call(mock.endpoint, 'getKUTemplates', authXml());
    await call(mock.endpoint, 'getCollectStatus', orderXml(n, { ...SANDBOX, password: 'wrong' }));
    await call(mock.endpoint, 'collect', '<orderNumber>abc</orderNumber>');
    const entries = (await admin<JournalEntry[]>('GET', `/admin/api/journal?since=${last}`)).body;
    expect(entries.map((e) => [e.operation, e.customer, e.code])).toEqual([
      ['enroll', 'sandbox', n],
      ['getCollectStatus', 'sandbox', 1],
      ['getKUTemplates', 'sandbox', undefined],
      ['getCollectStatus', undefined, -100], // a wrong password: the call is nobody's
      [undefined, undefined, undefined],
    ]);
    expect(entries[1]).toMatchObject({ orderNumber: n, httpStatus: 200 });
    expect(typeof entries[1].latencyMs).toBe('number');
    expect(entries[4]).toMatchObject({ httpStatus: 500 });
    expect(entries[4].fault).toMatch(/orderNumber|abc|Unmarshalling/i);
    const only = (
      await admin<JournalEntry[]>('GET', `/admin/api/journal?since=${last}&operation=getCollectStatus&order=${n}`)
    ).body;
    expect(only).toHaveLength(2);
  });

  it('is bounded by journalSize', async () => {
    const small = await createMockServer({ journalSize: 3, ca: mock.ca });
    try {
      for (let i = 0; i < 5; i++) await call(small.endpoint, 'getWebServiceInfo');
      const entries = small.admin.journal();
      expect(entries.map((e) => e.seq)).toEqual([3, 4, 5]);
    } finally {
      await small.close();
    }
  });
});

describe('reset (POST /admin/api/reset)', () => {
  it("one customer's reset leaves the others' orders, faults and journal", async () => {
    const mine = await enroll(
      'reset-one@other.example.net',
      { login: 'other-admin', password: 'other', customerLoginUri: 'other' },
      2001,
      'other-secret',
    );
    const theirs = await enroll('reset-keep@example.com');
    await admin('POST', '/admin/api/faults', { customer: 'other', code: -14, count: 5 });
    await admin('POST', '/admin/api/faults', {
      customer: 'sandbox',
      operation: 'getWebServiceInfo',
      transport: 'empty',
    });
    const res = await admin('POST', '/admin/api/reset', { customer: 'other' });
    expect(res.body).toEqual({ reset: 'customer other', seed: 'admin-api' });
    expect((await admin('GET', `/admin/api/orders/${mine}`)).status).toBe(404);
    expect((await admin('GET', `/admin/api/orders/${theirs}`)).status).toBe(200);
    expect((await admin<FaultView[]>('GET', '/admin/api/faults')).body.map((f) => f.customer)).toEqual(['sandbox']);
    expect((await admin('GET', '/admin/api/journal?customer=other')).body).toEqual([]);
    expect((await admin('POST', '/admin/api/reset', { customer: 'nobody' })).status).toBe(404);
    await admin('DELETE', '/admin/api/faults');
  });

  it("one customer's reset returns its organizations' suspension and delay to the fixture's, and leaves the others'", async () => {
    const other: Auth = { login: 'other-admin', password: 'other', customerLoginUri: 'other' };
    const enrollOther = (email: string) =>
      call(
        mock.endpoint,
        'enroll',
        enrollXml({ email, csr: readCsr(), auth: other, orgId: 2001, secretKey: 'other-secret' }),
      );
    const org = async (orgId: number) =>
      (await admin<OrganizationView[]>('GET', '/admin/api/orgs')).body.find((o) => o.orgId === orgId);
    try {
      expect((await admin('PATCH', '/admin/api/orgs/2001', { suspended: true, delay: '1h' })).body).toMatchObject({
        suspended: true,
        delay: '3600000 ms',
      });
      expect((await admin('PATCH', '/admin/api/orgs/1002', { delay: '5s' })).status).toBe(200);
      expect((await enrollOther('suspended@other.example.net')).code).toBe(-101);

      await admin('POST', '/admin/api/reset', { customer: 'other' });
      expect(await org(2001)).toMatchObject({ suspended: false, delay: 'instant' });
      expect(await org(1002)).toMatchObject({ delay: '5000 ms' }); // sandbox's organization keeps its setting
      // and from the SOAP side: other's organization enrolls again, and issues at once
      const n = (await enrollOther('after-reset@other.example.net')).code;
      expect(n).toBeGreaterThan(0);
      expect(await status(n, other)).toBe(1);
    } finally {
      await admin('PATCH', '/admin/api/orgs/2001', { suspended: null, delay: null });
      await admin('PATCH', '/admin/api/orgs/1002', { delay: null });
    }
  });

  it('a full reset empties everything and replays the seed; a new seed may be given', async () => {
    const scratch = await createMockServer({ seed: 'replay', ca: mock.ca });
    const a = adminClient(scratch.url);
    const first = (await call(scratch.endpoint, 'enroll', enrollXml({ email: 'replay@example.com', csr: readCsr() })))
      .code;
    const serial = scratch.store.get(first)!.certificate!.serial;
    await a('PATCH', '/admin/api/orgs/1001', { suspended: true });
    expect((await a('POST', '/admin/api/reset', {})).body).toEqual({ reset: 'all', seed: 'replay' });
    expect((await a('GET', '/admin/api/orders')).body).toEqual([]);
    expect((await a('GET', '/admin/api/journal')).body).toEqual([]);
    const again = (await call(scratch.endpoint, 'enroll', enrollXml({ email: 'replay@example.com', csr: readCsr() })))
      .code;
    expect(again).toBe(first);
    expect(scratch.store.get(again)!.certificate!.serial).toBe(serial);
    expect((await a<ResetAnswer>('POST', '/admin/api/reset', { seed: 'other-seed' })).body.seed).toBe('other-seed');
    expect(scratch.seed).toBe('other-seed');
    expect(
      (await call(scratch.endpoint, 'enroll', enrollXml({ email: 'replay@example.com', csr: readCsr() }))).code,
    ).not.toBe(first);
    expect((await a('POST', '/admin/api/reset', { seed: 'bad seed!' })).status).toBe(400);
    await scratch.close();
  });
});

describe('errors and the admin token', () => {
  it('answers JSON errors for unknown routes and bodies that are not JSON', async () => {
    expect(await admin('GET', '/admin/api/nothing')).toMatchObject({ status: 404, body: { status: 404 } });
    const res = await fetch(`${mock.url}/admin/api/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"customer":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/not JSON/);
  });

  it('with adminToken set, the API and the page take the token as a bearer token or as the Basic password', async () => {
    const locked = await createMockServer({ adminToken: 's3cret-s3cret-s3cret', ca: mock.ca });
    const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
    try {
      const none = await adminCall(locked.url, 'GET', '/admin/api/orders');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(
        (await adminCall(locked.url, 'GET', '/admin/api/orders', undefined, { Authorization: 'Bearer wrong' })).status,
      ).toBe(401);
      expect(
        (
          await adminCall(locked.url, 'GET', '/admin/api/orders', undefined, {
            Authorization: 'Bearer s3cret-s3cret-s3cret',
          })
        ).status,
      ).toBe(200);
      // curl -u admin:$TOKEN, as the README says
      expect(
        (
          await adminCall(locked.url, 'GET', '/admin/api/orders', undefined, {
            Authorization: basic('admin', 's3cret-s3cret-s3cret'),
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await adminCall(locked.url, 'GET', '/admin/api/orders', undefined, {
            Authorization: basic('s3cret-s3cret-s3cret', 'wrong'),
          })
        ).status,
      ).toBe(401);
      const page = await fetch(`${locked.url}/admin`);
      expect(page.status).toBe(401);
      expect(page.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(
        (await fetch(`${locked.url}/admin`, { headers: { Authorization: basic('anyone', 's3cret-s3cret-s3cret') } }))
          .status,
      ).toBe(200);
      expect(
        (await fetch(`${locked.url}/admin`, { headers: { Authorization: 'Bearer s3cret-s3cret-s3cret' } })).status,
      ).toBe(200);
      // the SOAP endpoint is not behind the token
      expect((await call(locked.endpoint, 'getWebServiceInfo')).status).toBe(200);
    } finally {
      await locked.close();
    }
  });
});
