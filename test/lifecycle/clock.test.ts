import Database from 'better-sqlite3';
import { X509Certificate } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTestCa, type TestCa } from '../../server/ca/test-ca.js';
import { clockStartMs, ConfigError, resolveConfig } from '../../server/config.js';
import { AdjustableClock } from '../../server/domain/clock.js';
import { clockFor } from '../../server/durable-clock.js';
import { createMockServer } from '../../server/mock-server.js';
import { MIGRATIONS, SqliteOrderStore } from '../../server/store/sqlite-store.js';
import { certificatesOf } from '../support/certs.js';
import { openssl, tempDir } from '../support/openssl.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml, orderXml } from '../support/soap.js';

/**
 * The mock's clock: real time plus advances, or fixed (clockStart, clockFrozen) for reproducible runs; kept in
 * a data directory. Real time is a function the tests move by hand, so nothing here waits or reads the wall clock.
 */

const START = Date.parse('2030-01-01T00:00:00Z');

/** a stand-in for Date.now that moves only when told */
function realTime(at = Date.parse('2026-06-01T12:00:00Z')) {
  const source = () => at;
  return Object.assign(source, { pass: (ms: number) => void (at += ms) });
}

describe('AdjustableClock', () => {
  it('running: follows real time plus what was advanced', () => {
    const real = realTime();
    const clock = new AdjustableClock({ source: real });
    expect(clock.now()).toBe(real());
    real.pass(1500);
    expect(clock.now()).toBe(real());
    expect(clock.advance(60_000)).toBe(real() + 60_000);
    real.pass(10);
    expect(clock.now()).toBe(real() + 60_000);
    expect(clock.offset).toBe(60_000);
    expect(clock.frozen).toBe(false);
  });

  it('a running clock is exactly as far ahead as asked, even when real time ticks between reads', () => {
    let t = 1_000_000;
    const ticking = () => t++;
    expect(new AdjustableClock({ source: ticking }).offset).toBe(0);
    expect(new AdjustableClock({ source: ticking, aheadBy: 172_800_000 }).offset).toBe(172_800_000);
  });

  it('clockStart: a running clock starts at the given instant and runs from there', () => {
    const real = realTime();
    const clock = new AdjustableClock({ source: real, startAt: START });
    expect(clock.now()).toBe(START);
    real.pass(2000);
    expect(clock.now()).toBe(START + 2000);
    expect(clock.offset).toBe(START - real() + 2000);
  });

  it('frozen: real time passing moves nothing; only advance() does', () => {
    const real = realTime();
    const clock = new AdjustableClock({ source: real, startAt: START, frozen: true });
    real.pass(3_600_000);
    expect(clock.now()).toBe(START);
    expect(clock.advance(29_000)).toBe(START + 29_000);
    real.pass(5000);
    expect(clock.now()).toBe(START + 29_000);
    // ahead of (here: behind) real time by what it reads minus real time
    expect(clock.offset).toBe(START + 29_000 - real());
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it('frozen without a start instant: frozen at the real time it was made', () => {
    const real = realTime();
    const made = real();
    const clock = new AdjustableClock({ source: real, frozen: true });
    real.pass(10_000);
    expect(clock.now()).toBe(made);
  });
});

describe('configuration: clockStart and clockFrozen', () => {
  it('take an ISO 8601 date or an instant with its zone, from options or the environment', () => {
    expect(resolveConfig({ clockStart: '2030-01-01T00:00:00Z' }, {}).clockStart).toBe('2030-01-01T00:00:00Z');
    expect(resolveConfig({}, { CCM_MOCK_CLOCK_START: '2030-01-01', CCM_MOCK_CLOCK_FROZEN: 'true' })).toMatchObject({
      clockStart: '2030-01-01',
      clockFrozen: true,
    });
    expect(resolveConfig({}, {}).clockFrozen).toBe(false);
    expect(resolveConfig({}, {}).clockStart).toBeUndefined();
  });

  it.each(['tomorrow', '2030-01-01T00:00:00', '1969-12-31', '1893456000000', '2030-13-01'])('refuse %j', (text) => {
    expect(() => resolveConfig({ clockStart: text }, {})).toThrow(ConfigError);
  });
});

// one CA for the mocks here: key generation is slow and not what is tested
let ca: TestCa | undefined;

describe('a mock with a fixed clock', () => {
  it('issues at the start instant, delays elapse only by advance, certificates are valid from the mock time', async () => {
    const mock = await createMockServer({
      clockStart: '2030-01-01T00:00:00Z',
      clockFrozen: true,
      delay: '30s',
      ...(ca ? { ca } : {}),
    });
    ca = mock.ca;
    try {
      expect(mock.admin.clock()).toMatchObject({ now: '2030-01-01T00:00:00.000Z', frozen: true });
      const n = (await call(mock.endpoint, 'enroll', enrollXml({ email: 'frozen@example.com', csr: readCsr() }))).code;
      expect(mock.store.get(n)!.createdAt).toBe(START);
      mock.admin.advanceClock('29999ms');
      expect((await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(0);
      mock.admin.advanceClock(1);
      const collected = await call(mock.endpoint, 'collect', orderXml(n));
      expect(collected.code).toBe(1);
      const leaf = new X509Certificate(certificatesOf(collected.fields.certificate)[0]);
      expect(new Date(leaf.validFrom).toISOString()).toBe('2030-01-01T00:00:30.000Z');
      // 365 days to the second, notAfter included (RFC 5280)
      expect(new Date(leaf.validTo).toISOString()).toBe('2031-01-01T00:00:29.000Z');
      expect(mock.admin.clock()).toMatchObject({ now: '2030-01-01T00:00:30.000Z', frozen: true });
    } finally {
      await mock.close();
    }
  });

  it('clockStart alone: the clock starts there and runs', async () => {
    const before = Date.now();
    const mock = await createMockServer({ clockStart: '2030-01-01', ...(ca ? { ca } : {}) });
    const after = Date.now();
    try {
      const view = mock.admin.clock();
      expect(view.frozen).toBe(false);
      expect(Date.parse(view.now)).toBeGreaterThanOrEqual(START);
      // ahead of real time by the start instant minus the real time it started at
      expect(view.offsetMs).toBeLessThanOrEqual(START - before);
      expect(view.offsetMs).toBeGreaterThanOrEqual(START - after);
    } finally {
      await mock.close();
    }
  });
});

describe("a CA the mock generates covers the mock's time, not only real time", () => {
  /** enroll and collect at the mock's (frozen) time; openssl verify the leaf at that time and a minute later */
  async function verifiedAt(clockStart: string): Promise<{ ca: TestCa; verify: string }> {
    const mock = await createMockServer({ clockStart, clockFrozen: true, caKeyBits: 1024 });
    try {
      const n = (await call(mock.endpoint, 'enroll', enrollXml({ email: 'then@example.com', csr: readCsr() }))).code;
      const collected = await call(mock.endpoint, 'collect', orderXml(n));
      expect(collected.code).toBe(1);
      const [leaf] = certificatesOf(collected.fields.certificate);
      const dir = tempDir();
      writeFileSync(join(dir, 'leaf.pem'), new X509Certificate(leaf).toString());
      writeFileSync(join(dir, 'root.pem'), mock.ca.root.pem);
      writeFileSync(join(dir, 'int.pem'), mock.ca.issuingFor(mock.url).pem);
      const at = String(Math.floor(Date.parse(clockStart) / 1000) + 60);
      const verify = openssl([
        'verify',
        '-attime',
        at,
        '-purpose',
        'smimesign',
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'int.pem'),
        join(dir, 'leaf.pem'),
      ]);
      rmSync(dir, { recursive: true, force: true });
      return { ca: mock.ca, verify };
    } finally {
      await mock.close();
    }
  }

  it("a clock started in the past: the CA is dated from the mock's time, an hour back, and lasts its term from now", async () => {
    const { ca: made, verify } = await verifiedAt('2001-01-01T00:00:00Z');
    expect(verify).toMatch(/leaf\.pem: OK/);
    for (const cert of [made.root.x509, made.issuing.x509])
      expect(new Date(cert.validFrom).toISOString()).toBe('2000-12-31T23:00:00.000Z');
    expect(Date.parse(made.issuing.x509.validTo)).toBeGreaterThan(Date.now() + 9 * 365 * 86_400_000);
  });

  it('the latest clockStart (the end of 9979): the CA ends within 9999, in DER GeneralizedTime', async () => {
    const made = await generateTestCa({
      baseUrl: 'http://localhost:8080',
      keyBits: 1024,
      mockNow: new Date(clockStartMs('9979-12-31T23:59:59Z')),
    });
    expect(new Date(made.root.x509.validTo).getUTCFullYear()).toBe(9999);
    expect(openssl(['x509', '-noout', '-enddate'], made.root.pem)).toMatch(/notAfter=.* 9999 GMT/);
  });

  it("a clock started past the CA's usual term: the CA lasts its term from the mock's time", async () => {
    const start = new Date(Date.now() + 15 * 365 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z';
    const { ca: made, verify } = await verifiedAt(start);
    expect(verify).toMatch(/leaf\.pem: OK/);
    expect(Date.parse(made.issuing.x509.validFrom)).toBeLessThan(Date.now());
  });
});

describe('a CA that exists keeps its dates: a mock clock outside its validity is refused at start', () => {
  it('configured CA files: a clockStart before or after the issuing CA is a ConfigError; one inside starts', async () => {
    const made = await generateTestCa({ baseUrl: 'http://localhost:8080', keyBits: 1024 });
    const dir = tempDir();
    const files = {
      caRootCertFile: join(dir, 'root.pem'),
      caCertFile: join(dir, 'int.pem'),
      caKeyFile: join(dir, 'int.key'),
    };
    writeFileSync(files.caRootCertFile, made.root.pem);
    writeFileSync(files.caCertFile, made.issuing.pem);
    writeFileSync(files.caKeyFile, made.issuing.key.export({ type: 'pkcs8', format: 'pem' }));
    for (const clockStart of [
      '2001-01-01',
      new Date(Date.parse(made.issuing.x509.validTo) + 86_400_000).toISOString(),
    ]) {
      const start = createMockServer({ ...files, clockStart, clockFrozen: true });
      await expect(start).rejects.toThrow(ConfigError);
      await expect(start).rejects.toThrow(
        /outside the validity of the issuing CA from configured files .*Use a clockStart inside it/,
      );
    }
    const inside = await createMockServer({
      ...files,
      clockStart: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      clockFrozen: true,
    });
    await inside.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a CA kept in the data directory, with a new order store and a clockStart before it: refused, naming clockStart', async () => {
    const dataDir = tempDir();
    await (await createMockServer({ dataDir, caKeyBits: 1024 })).close();
    for (const f of ['ccm-mock.db', 'ccm-mock.db-wal', 'ccm-mock.db-shm']) rmSync(join(dataDir, f), { force: true });
    await expect(createMockServer({ dataDir, clockStart: '2001-01-01' })).rejects.toThrow(
      /clock \(clockStart\) reads 2001-01-01T00:00:00\.000Z, outside the validity/,
    );
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('the clock kept in a data directory', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const newStore = () => {
    const dir = tempDir();
    dirs.push(dir);
    return join(dir, 'ccm-mock.db');
  };
  /** open the store, make its clock, hand both to `use`, close */
  const life = <T>(
    file: string,
    options: Parameters<typeof clockFor>[1],
    use: (c: ReturnType<typeof clockFor>) => T,
  ): T => {
    const store = new SqliteOrderStore(file);
    try {
      const kept = clockFor(store, options);
      kept.save(); // as a mock does once it is assembled
      return use(kept);
    } finally {
      store.close();
    }
  };

  it('a frozen clock resumes at the same instant; clockStart applies to a new directory only', () => {
    const file = newStore();
    const real = realTime();
    life(file, { startAt: START, frozen: true, source: real }, ({ clock, resumed }) => {
      expect(resumed).toBe(false);
      expect(clock.now()).toBe(START);
      clock.advance(90_000);
    });
    real.pass(86_400_000);
    life(file, { startAt: Date.parse('2040-01-01T00:00:00Z'), frozen: true, source: real }, ({ clock, resumed }) => {
      expect(resumed).toBe(true);
      expect(clock.now()).toBe(START + 90_000);
    });
  });

  it('createMockServer on a data directory: a second start resumes the frozen clock, whatever clockStart says', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const start = async (clockStart: string) =>
      createMockServer({ dataDir, clockStart, clockFrozen: true, ...(ca ? { ca } : {}) });
    const first = await start('2030-01-01T00:00:00Z');
    ca = first.ca;
    try {
      first.admin.advanceClock('1h');
    } finally {
      await first.close();
    }
    const second = await start('2040-01-01T00:00:00Z');
    try {
      expect(second.admin.clock()).toMatchObject({ now: '2030-01-01T01:00:00.000Z', frozen: true });
    } finally {
      await second.close();
    }
  });

  it('a directory from before the clock was saved at every start (orders, no clock): it resumes at real time, clockStart ignored', () => {
    const file = newStore();
    const real = realTime();
    const old = new SqliteOrderStore(file, MIGRATIONS.slice(0, 1));
    old.close();
    // an order written at real time by a version that saved the clock only when it was advanced
    const raw = new Database(file);
    raw
      .prepare("INSERT INTO orders VALUES (1000001, 'sandbox', 1001, 'a@example.com', 'issued', NULL, ?, '{}')")
      .run(real());
    raw.close();
    life(file, { startAt: START - 365 * 86_400_000, source: real }, ({ clock, resumed }) => {
      expect(resumed).toBe(true);
      expect(clock.now()).toBe(real());
    });
    // one without orders is new: its clockStart applies
    const empty = newStore();
    new SqliteOrderStore(empty, MIGRATIONS.slice(0, 1)).close();
    life(empty, { startAt: START, source: real }, ({ clock, resumed }) => {
      expect(resumed).toBe(false);
      expect(clock.now()).toBe(START);
    });
  });

  it('a start that fails before the mock is assembled keeps no clock: the next start takes its clockStart', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    // a file where the CA's folder goes: the new CA cannot be kept, after the store is open
    writeFileSync(join(dataDir, 'ca'), 'in the way');
    await expect(
      createMockServer({ dataDir, clockStart: '2030-01-01T00:00:00Z', clockFrozen: true, caKeyBits: 1024 }),
    ).rejects.toThrow();
    rmSync(join(dataDir, 'ca'));
    const mock = await createMockServer({
      dataDir,
      clockStart: '2031-01-01T00:00:00Z',
      clockFrozen: true,
      caKeyBits: 1024,
    });
    try {
      expect(mock.admin.clock()).toMatchObject({ now: '2031-01-01T00:00:00.000Z', frozen: true });
    } finally {
      await mock.close();
    }
  });

  it('a running clock resumes as far ahead of real time as it was', () => {
    const file = newStore();
    const real = realTime();
    life(file, { source: real }, ({ clock }) => clock.advance(2 * 86_400_000));
    real.pass(5000);
    life(file, { source: real }, ({ clock }) => {
      expect(clock.now()).toBe(real() + 2 * 86_400_000);
      expect(clock.offset).toBe(2 * 86_400_000);
    });
    let t = real();
    life(file, { source: () => t++ }, ({ clock }) => expect(clock.offset).toBe(2 * 86_400_000));
  });

  it('switching between frozen and running never goes back before what the last life saw', () => {
    const file = newStore();
    const real = realTime();
    // frozen in the past, then running: it starts at the frozen instant and runs from there
    life(file, { startAt: START, frozen: true, source: real }, ({ clock }) => clock.advance(1000));
    real.pass(60_000);
    const lastSeen = life(file, { source: real }, ({ clock }) => {
      expect(clock.now()).toBe(START + 1000);
      real.pass(7000);
      return clock.now();
    });
    expect(lastSeen).toBe(START + 8000);
    // running, then frozen: frozen where the running clock has got to
    real.pass(3000);
    life(file, { frozen: true, source: real }, ({ clock }) => expect(clock.now()).toBe(lastSeen + 3000));
    // and running again after a frozen life that never advanced: from the frozen instant, not the older one
    life(file, { source: real }, ({ clock }) => expect(clock.now()).toBe(lastSeen + 3000));
  });
});
