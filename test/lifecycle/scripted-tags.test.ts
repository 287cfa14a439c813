import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { adminClient, type OrderDetail } from '../support/admin.js';
import { certificatesOf } from '../support/certs.js';
import { defaultAccounts, readCsr } from '../support/fixtures.js';
import { drawnDelay } from '../support/orders.js';
import { call, enrollXml, orderXml, SANDBOX, xmlEl, type SoapAnswer } from '../support/soap.js';

/**
 * Every lifecycle path a client can pick with a +tag in the enroll email, driven over SOAP; time moves only
 * through POST /admin/api/clock/advance (the suite never sleeps), payment only through .../pay.
 */

let mock: MockServer;
let admin: ReturnType<typeof adminClient>;
beforeAll(async () => {
  // frozen: "29 s later, still processing" holds however slowly the machine runs
  mock = await createMockServer({ seed: 'scripted-tags', clockFrozen: true });
  admin = adminClient(mock.url);
});
afterAll(() => mock.close());

function ok(answer: SoapAnswer): SoapAnswer {
  expect(answer.schemaProblems).toEqual([]);
  expect(answer.status).toBe(200);
  return answer;
}

async function enroll(email: string): Promise<number> {
  const answer = ok(await call(mock.endpoint, 'enroll', enrollXml({ email, csr: readCsr() })));
  expect(answer.code).toBeGreaterThan(0);
  return answer.code;
}

const status = async (n: number) => ok(await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code;
const collect = async (n: number) => ok(await call(mock.endpoint, 'collect', orderXml(n)));
const revoke = async (n: number) =>
  ok(await call(mock.endpoint, 'revoke', orderXml(n, SANDBOX, xmlEl('reason', 'test')))).code;
const advance = async (by: string) =>
  expect((await admin('POST', '/admin/api/clock/advance', { by })).status).toBe(200);

describe('scripted outcomes (+tags in the enroll email)', () => {
  it('no tag, default test delay 0: issued at once', async () => {
    const n = await enroll('plain@example.com');
    expect(await status(n)).toBe(1);
    expect((await collect(n)).code).toBe(1);
  });

  it('+reject: getCollectStatus and collect answer -20, revoke -20', async () => {
    const n = await enroll('alice+reject@example.com');
    expect(await status(n)).toBe(-20);
    expect((await collect(n)).code).toBe(-20);
    expect(await revoke(n)).toBe(-20);
  });

  it('+pending3: 0 for three status polls, then issued for the address exactly as given', async () => {
    const n = await enroll('alice+pending3@example.com');
    expect(await status(n)).toBe(0);
    expect((await collect(n)).code).toBe(0); // collect counts as a poll too
    expect(await revoke(n)).toBe(-26); // revoke does not
    expect(await status(n)).toBe(0);
    const answer = await collect(n);
    expect(answer.code).toBe(1);
    const [leaf] = certificatesOf(answer.fields.certificate);
    expect(new X509Certificate(leaf).checkEmail('alice+pending3@example.com')).toBe('alice+pending3@example.com');
  });

  it('+payment: collect answers -22 (status 0, revoke -26) until marked paid, then 1', async () => {
    const n = await enroll('alice+payment@example.com');
    for (let i = 0; i < 3; i++) expect((await collect(n)).code).toBe(-22);
    expect(await status(n)).toBe(0); // the guide lists no -22 for getCollectStatus
    expect(await revoke(n)).toBe(-26);
    await advance('30d'); // time alone never pays
    expect((await collect(n)).code).toBe(-22);
    expect((await admin<OrderDetail>('POST', `/admin/api/orders/${n}/pay`)).body.state).toBe('issued');
    expect((await collect(n)).code).toBe(1);
  });

  it('+issuing: revoke answers -26 while being issued (three polls by default), then revokes', async () => {
    const n = await enroll('alice+issuing@example.com');
    expect(await revoke(n)).toBe(-26);
    expect(await status(n)).toBe(0);
    expect(await revoke(n)).toBe(-26);
    expect(await status(n)).toBe(0);
    expect(await revoke(n)).toBe(-26);
    expect(await status(n)).toBe(0);
    // three polls answered: the window is over, whoever looks next sees it issued
    expect(await revoke(n)).toBe(0);
    expect((await collect(n)).code).toBe(-21);
  });

  it('+issuing1: a one-poll window', async () => {
    const n = await enroll('bob+issuing1@example.com');
    expect(await revoke(n)).toBe(-26);
    expect(await status(n)).toBe(0);
    expect(await status(n)).toBe(1);
  });

  it('+fail14: the next call about the order answers -14, once', async () => {
    const n = await enroll('alice+fail14@example.com');
    expect(await status(n)).toBe(-14);
    expect(await status(n)).toBe(1);
    const m = await enroll('carol+fail14@example.com');
    expect(await revoke(m)).toBe(-14);
    expect(await revoke(m)).toBe(0);
  });

  it('+delay30s: processing until the clock has moved 30 s', async () => {
    const n = await enroll('alice+delay30s@example.com');
    expect(await status(n)).toBe(0);
    await advance('29s');
    expect(await status(n)).toBe(0);
    expect(await revoke(n)).toBe(-26);
    await advance('1s');
    expect(await status(n)).toBe(1);
  });

  it('+delay2s-8s: each order draws its own delay in the range, and is processing until that has passed', async () => {
    const orders: number[] = [];
    for (let i = 0; i < 5; i++) orders.push(await enroll(`range${i}+delay2s-8s@example.com`));
    const drawn = orders.map((n) => drawnDelay(mock, n));
    for (const d of drawn) expect(d >= 2000 && d <= 8000).toBe(true);
    expect(new Set(drawn).size).toBeGreaterThan(1);
    await advance('1999ms');
    for (const n of orders) expect(await status(n)).toBe(0);
    // the clock is frozen: at the shortest draw exactly that order (or those) is issued, the rest still wait
    const first = Math.min(...drawn);
    await advance(`${first - 1999}ms`);
    for (const [i, n] of orders.entries()) expect(await status(n)).toBe(drawn[i] === first ? 1 : 0);
    await advance(`${8000 - first}ms`);
    for (const n of orders) expect(await status(n)).toBe(1);
  });

  it('+delay2polls: two polls at 0', async () => {
    const n = await enroll('alice+delay2polls@example.com');
    expect(await status(n)).toBe(0);
    expect(await status(n)).toBe(0);
    expect(await status(n)).toBe(1);
  });

  it('+reject+delay1m: processing for a minute, then rejected', async () => {
    const n = await enroll('alice+reject+delay1m@example.com');
    expect(await status(n)).toBe(0);
    await advance('1m');
    expect(await status(n)).toBe(-20);
  });

  it('+payment+issuing2: paid, then a two-poll "being issued" window', async () => {
    const n = await enroll('alice+payment+issuing2@example.com');
    expect((await collect(n)).code).toBe(-22);
    await admin('POST', `/admin/api/orders/${n}/pay`);
    expect(await revoke(n)).toBe(-26);
    expect(await status(n)).toBe(0);
    expect(await status(n)).toBe(0);
    expect(await status(n)).toBe(1);
  });

  it('+pending2+fail14: -14 first, then the pending polls', async () => {
    const n = await enroll('alice+pending2+fail14@example.com');
    expect(await status(n)).toBe(-14);
    expect(await status(n)).toBe(0);
    expect(await status(n)).toBe(0);
    expect(await status(n)).toBe(1);
  });

  it('an unknown tag is ordinary plus-addressing', async () => {
    const n = await enroll('alice+newsletter@example.com');
    expect(await status(n)).toBe(1);
    expect((await admin<OrderDetail>('GET', `/admin/api/orders/${n}`)).body.tags).toEqual([]);
  });
});

describe('processing delay: global and per organization', () => {
  it('a global delay (config delay=5s) holds orders until the clock moves', async () => {
    const slow = await createMockServer({ delay: '5s', ca: mock.ca });
    try {
      const answer = await call(slow.endpoint, 'enroll', enrollXml({ email: 'alice@example.com', csr: readCsr() }));
      const n = answer.code;
      expect((await call(slow.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(0);
      slow.admin.advanceClock('5s');
      expect((await call(slow.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('a global poll delay (config delay=2polls): two polls at 0 (a revoke is no poll), then issued; a tag overrides it', async () => {
    const polled = await createMockServer({ delay: '2polls', ca: mock.ca });
    try {
      const statusOf = async (n: number) => (await call(polled.endpoint, 'getCollectStatus', orderXml(n))).code;
      const n = (await call(polled.endpoint, 'enroll', enrollXml({ email: 'alice@example.com', csr: readCsr() }))).code;
      expect(await statusOf(n)).toBe(0);
      expect((await call(polled.endpoint, 'revoke', orderXml(n, SANDBOX, xmlEl('reason', 'early')))).code).toBe(-26);
      expect((await call(polled.endpoint, 'collect', orderXml(n))).code).toBe(0);
      expect(await statusOf(n)).toBe(1);
      polled.admin.advanceClock('1d'); // time does nothing to a poll delay
      const m = (await call(polled.endpoint, 'enroll', enrollXml({ email: 'bob@example.com', csr: readCsr() }))).code;
      expect(await statusOf(m)).toBe(0);
      const k = (
        await call(polled.endpoint, 'enroll', enrollXml({ email: 'carol+delay0@example.com', csr: readCsr() }))
      ).code;
      expect(await statusOf(k)).toBe(1);
    } finally {
      await polled.close();
    }
  });

  it('an organization range delay (fixture 2s-8s, or PATCH 1s-2s): drawn per order inside it; other organizations keep theirs', async () => {
    const accounts = defaultAccounts();
    accounts.customers[0].organizations[0].delay = '2s-8s';
    const org = await createMockServer({ accounts, seed: 'org-range', clockFrozen: true, ca: mock.ca });
    try {
      const enrollIn = async (email: string, orgId = 1001, secretKey = 'sandbox-secret') =>
        (await call(org.endpoint, 'enroll', enrollXml({ email, orgId, secretKey, csr: readCsr() }))).code;
      const statusOf = async (n: number) => (await call(org.endpoint, 'getCollectStatus', orderXml(n))).code;
      const orders: number[] = [];
      for (let i = 0; i < 4; i++) orders.push(await enrollIn(`o${i}@example.com`));
      const drawn = orders.map((n) => drawnDelay(org, n));
      for (const d of drawn) expect(d >= 2000 && d <= 8000).toBe(true);
      expect(new Set(drawn).size).toBeGreaterThan(1);
      const elsewhere = await enrollIn('o@example.org', 1002, 'second-secret');
      expect(await statusOf(elsewhere)).toBe(1); // organization 1002 has no delay of its own: the default, 0
      org.admin.advanceClock('1999ms');
      for (const n of orders) expect(await statusOf(n)).toBe(0);
      org.admin.advanceClock(8000 - 1999);
      for (const n of orders) expect(await statusOf(n)).toBe(1);

      expect(org.admin.updateOrganization(1002, { delay: '1s-2s' }).delay).toBe('1000-2000 ms');
      const patched = await enrollIn('p@example.org', 1002, 'second-secret');
      const d = drawnDelay(org, patched);
      expect(d >= 1000 && d <= 2000).toBe(true);
      org.admin.advanceClock(d - 1);
      expect(await statusOf(patched)).toBe(0);
      org.admin.advanceClock(1);
      expect(await statusOf(patched)).toBe(1);
    } finally {
      await org.close();
    }
  });

  it('a range delay (2s-8s) is drawn per order from the seed and lies inside the range', async () => {
    const ranged = await createMockServer({ delay: '2s-8s', seed: 'range-seed', ca: mock.ca });
    try {
      const drawn: number[] = [];
      for (let i = 0; i < 5; i++) {
        const n = (await call(ranged.endpoint, 'enroll', enrollXml({ email: `r${i}@example.com`, csr: readCsr() })))
          .code;
        drawn.push(drawnDelay(ranged, n));
      }
      for (const d of drawn) expect(d >= 2000 && d <= 8000).toBe(true);
      expect(new Set(drawn).size).toBeGreaterThan(1);
      ranged.admin.advanceClock('8s');
      expect(ranged.admin.orders({ state: 'issued' })).toHaveLength(5);
    } finally {
      await ranged.close();
    }
  });

  it('an organization delay from the accounts fixture, and one set through PATCH /admin/api/orgs/{orgId}', async () => {
    const accounts = defaultAccounts();
    accounts.customers[0].organizations[0].delay = '3polls';
    const org = await createMockServer({ accounts, ca: mock.ca });
    try {
      const n = (await call(org.endpoint, 'enroll', enrollXml({ email: 'alice@example.com', csr: readCsr() }))).code;
      for (let i = 0; i < 3; i++) expect((await call(org.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(0);
      expect((await call(org.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(1);

      const patched = await adminClient(org.url)('PATCH', '/admin/api/orgs/1001', { delay: '1h' });
      expect(patched.body).toMatchObject({ orgId: 1001, delay: '3600000 ms' });
      const m = (await call(org.endpoint, 'enroll', enrollXml({ email: 'bob@example.com', csr: readCsr() }))).code;
      expect((await call(org.endpoint, 'getCollectStatus', orderXml(m))).code).toBe(0);
      org.admin.advanceClock('1h');
      expect((await call(org.endpoint, 'getCollectStatus', orderXml(m))).code).toBe(1);
      // the per-order tag wins over the organization's delay
      const k = (await call(org.endpoint, 'enroll', enrollXml({ email: 'carol+delay0@example.com', csr: readCsr() })))
        .code;
      expect((await call(org.endpoint, 'getCollectStatus', orderXml(k))).code).toBe(1);
    } finally {
      await org.close();
    }
  });

  it('a bad delay in the accounts fixture stops the start with its JSON path', async () => {
    const accounts = defaultAccounts();
    accounts.customers[0].organizations[1].delay = 'soon';
    await expect(createMockServer({ accounts, ca: mock.ca })).rejects.toThrow(
      /customers\.0\.organizations\.1\.delay: invalid delay "soon"/,
    );
  });
});
