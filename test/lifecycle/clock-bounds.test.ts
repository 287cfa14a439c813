import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAST_INSTANT_MS, MAX_DURATION_MS } from '../../server/domain/clock.js';
import { Issuance } from '../../server/domain/issuance.js';
import { SeededRandom } from '../../server/domain/random.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { ORDER_DB_FILE } from '../../server/store/open-store.js';
import { SqliteOrderStore } from '../../server/store/sqlite-store.js';
import { adminClient } from '../support/admin.js';
import { startServe } from '../support/cli-process.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml, orderXml } from '../support/soap.js';

/**
 * The mock's clock cannot be moved where no certificate can be issued or no date written (a clear 400), /readyz
 * says so when it gets there anyway (a running clock outliving a configured CA), and a clock kept in a data
 * directory has a way back: POST /admin/api/clock while running, --clock-reset at start.
 */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'clock-bounds' });
});
afterAll(() => mock.close());

const admin = () => adminClient(mock.url);
const enroll = async (m: MockServer, email: string) =>
  (await call(m.endpoint, 'enroll', enrollXml({ email, csr: readCsr() }))).code;
const readyz = async (m: MockServer) => {
  const res = await fetch(m.url + '/readyz');
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
};

describe('advancing the clock', () => {
  it('refuses durations beyond 100 years and instants past the issuing CA, with a 400 naming why; nothing moves', async () => {
    const before = mock.clock.now();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ms: 1e300 }, /at most 3153600000000 ms \(100 years\)/],
      [{ by: '99999999999999d' }, /at most 3153600000000 ms/],
      [{ ms: Number.MAX_VALUE }, /at most/],
      [{ by: '36500d' }, /after the issuing CA's validity ends/],
      [{ by: '11000d' }, /after the issuing CA's validity ends \(\d{4}-/],
      [{ ms: 'soon' }, /ms/],
      [{ by: '1h', ms: 5 }, /give \{"by": "90s"\}/],
      [{ by: '1h', extra: true }, /unknown field\(s\) extra/],
    ];
    for (const [body, message] of cases) {
      const res = await admin()('POST', '/admin/api/clock/advance', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as { error: string }).error, JSON.stringify(body)).toMatch(message);
    }
    expect(Math.abs(mock.clock.now() - before)).toBeLessThan(60_000); // only real time passed
    expect(await enroll(mock, 'after-bad-advances@example.com')).toBeGreaterThan(0);
    expect((await fetch(mock.url + '/admin')).status).toBe(200);
    expect((await readyz(mock)).status).toBe(200);
    expect(MAX_DURATION_MS).toBe(36_500 * 86_400_000);
  });
});

describe('durations', () => {
  it('a +delay tag beyond 100 years is plain plus-addressing: the order takes its usual delay, and the admin lists it', async () => {
    const huge = await enroll(mock, 'far+delay99999999999999d@example.com');
    expect(huge).toBeGreaterThan(0);
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(huge))).code).toBe(1); // the test default: instant
    const longest = await enroll(mock, 'longest+delay36500d@example.com');
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(longest))).code).toBe(0);
    for (const path of ['/admin', '/admin/api/orders', `/admin/api/orders/${longest}`, `/admin/orders/${huge}`])
      expect((await fetch(mock.url + path)).status, path).toBe(200);
  });

  it('a delay beyond 100 years is a 400 for an organization and a start-up error for the default', async () => {
    const res = await admin()('PATCH', '/admin/api/orgs/1002', { delay: '36501d' });
    expect(res.status).toBe(400);
    expect((res.body as { error: string }).error).toMatch(/at most 3153600000000 ms \(100 years\)/);
    await expect(createMockServer({ ca: mock.ca, delay: '1s-99999999999999d' })).rejects.toThrow(/at most/);
    expect((await admin()('PATCH', '/admin/api/orgs/1002', { delay: '36500d' })).status).toBe(200);
    expect((await admin()('PATCH', '/admin/api/orgs/1002', { delay: null })).status).toBe(200);
  });

  it("a certificate's validity ends by 9999-12-31T23:59:59Z, the last time X.509 can write (a CA configured to last that long)", async () => {
    const n = await enroll(mock, 'late+delay1h@example.com');
    const issuance = new Issuance({
      accounts: mock.accounts,
      store: mock.store,
      ca: mock.ca,
      random: new SeededRandom('late'),
      validityDays: 825,
    });
    const lateIn9999 = Date.UTC(9999, 5, 1);
    const issued = issuance.issue(mock.store.get(n)!, lateIn9999);
    const cert = new X509Certificate(Buffer.from(issued.der, 'base64'));
    expect(new Date(cert.validTo).toISOString()).toBe('9999-12-31T23:59:59.000Z');
    expect(new Date(cert.validFrom).toISOString()).toBe('9999-06-01T00:00:00.000Z');
    expect(issued.notAfter).toBe(LAST_INSTANT_MS);
  });
});

describe('/readyz and setting the clock (POST /admin/api/clock)', () => {
  it('/readyz fails while the clock is outside the issuing CA; setting it back makes the mock ready and issuing again', async () => {
    const m = await createMockServer({ ca: mock.ca, clockFrozen: true });
    const a = adminClient(m.url);
    try {
      expect((await readyz(m)).body.checks.clock).toBe('ok');
      const validTo = Date.parse(m.ca.issuing.x509.validTo);
      m.clock.advance(validTo - m.clock.now() + 86_400_000); // as a running clock would, a day past the CA
      const broken = await readyz(m);
      expect(broken.status).toBe(503);
      expect(broken.body.checks.clock).toMatch(/outside the issuing CA's validity .*POST \/admin\/api\/clock/);

      const bad: Array<[unknown, RegExp]> = [
        [{ now: '1999-01-01T00:00:00Z' }, /outside the issuing CA's validity/],
        [{ now: 'yesterday' }, /cannot set the clock: the time must be an ISO 8601 date/],
        [{ now: '2030-02-31' }, /cannot set the clock/],
        [{}, /give \{"now": "2030-01-01T00:00:00Z"\}/],
        [{ now: 5 }, /give \{"now"/],
      ];
      for (const [body, message] of bad) {
        const res = await a('POST', '/admin/api/clock', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect((res.body as { error: string }).error).toMatch(message);
      }
      const target = new Date(Date.now() + 30 * 86_400_000).toISOString();
      const set = await a('POST', '/admin/api/clock', { now: target });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ now: target, frozen: true });
      expect((await readyz(m)).status).toBe(200);
      const n = await enroll(m, 'after-the-way-back@example.com');
      expect(n).toBeGreaterThan(0);
      expect((await call(m.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(1);
      // and back again, earlier than the order: allowed, the order keeps its times
      expect((await a('POST', '/admin/api/clock', { now: new Date().toISOString() })).status).toBe(200);
      expect((await call(m.endpoint, 'collect', orderXml(n))).code).toBe(1);
    } finally {
      await m.close();
    }
  });
});

describe('a clock kept in a data directory, too far ahead', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ccm-mock-clock-reset-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses the start, naming --clock-reset; with --clock-reset it starts at real time, orders kept', async () => {
    const first = await createMockServer({ dataDir, caKeyBits: 1024 });
    const n = await enroll(first, 'kept@example.com');
    expect(n).toBeGreaterThan(0);
    await first.close();

    // what an older ccm-mock let an advance leave behind: the kept clock a century ahead
    const store = new SqliteOrderStore(join(dataDir, ORDER_DB_FILE));
    store.setMeta({ clock_offset_ms: 100 * 365 * 86_400_000, clock_frozen_at_ms: 0 });
    store.close();

    const refused = await startServe(['--data-dir', dataDir]).then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(refused).toMatch(/exited \(2\) before it was ready/);
    expect(refused).toMatch(/the clock kept in .* outside the validity of the issuing CA/);
    expect(refused).toMatch(/Start once with --clock-reset \(CCM_MOCK_CLOCK_RESET=1\)/);

    const reset = await startServe(['--data-dir', dataDir, '--clock-reset']);
    try {
      const clock = (await (await fetch(reset.url + '/admin/api/clock')).json()) as { offsetMs: number };
      expect(Math.abs(clock.offsetMs)).toBeLessThan(60_000);
      expect((await fetch(reset.url + '/readyz')).status).toBe(200);
      expect((await call(reset.endpoint, 'collect', orderXml(n))).code).toBe(1);
    } finally {
      expect(await reset.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }

    // the reset clock was kept: an ordinary start resumes it
    const again = await createMockServer({ dataDir });
    try {
      expect(Math.abs(again.clock.offset)).toBeLessThan(60_000);
    } finally {
      await again.close();
    }
  }, 120_000);
});
