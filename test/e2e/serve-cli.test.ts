import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { relative } from 'node:path';
import { accountsSummary, main } from '../../server/cli.js';
import { CONFIG_KEYS, DEFAULT_ACCOUNTS_FILE } from '../../server/config.js';
import { Accounts } from '../../server/domain/accounts.js';
import { packageRoot } from '../../wsdl/paths.js';
import { certificatesOf } from '../support/certs.js';
import { startServe, type ServeProcess } from '../support/cli-process.js';
import { defaultAccounts, readCsr } from '../support/fixtures.js';
import { openssl, tempDir } from '../support/openssl.js';
import { call, enrollXml, orderXml } from '../support/soap.js';

/** `ccm-mock` as people run it: options, the banner, health endpoints and the JSON log lines. */

/** main() in-process with console output captured: the argument handling, without a process per case */
async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(args), stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('ccm-mock --help / --version / bad options', () => {
  it("each command's --help lists every configuration key it takes, with its flag and environment variable", async () => {
    const serveHelp = await runMain(['serve', '--help']);
    const proxyHelp = await runMain(['proxy', '--help']);
    expect([serveHelp.code, proxyHelp.code]).toEqual([0, 0]);
    for (const k of CONFIG_KEYS) {
      for (const [command, help] of [
        ['serve', serveHelp],
        ['proxy', proxyHelp],
      ] as const) {
        const takes = (k.commands ?? ['serve']).includes(command);
        expect(
          help.stdout.includes(`env ${k.env}\n`) || help.stdout.endsWith(`env ${k.env}`),
          `${command} ${k.key}`,
        ).toBe(takes);
        if (takes) expect(help.stdout).toContain(k.flag);
      }
    }
    expect((await runMain([])).code).toBe(2);
  });

  it('--version prints the package version; unknown options and commands exit 2 with the usage', async () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
      version: string;
      bin: Record<string, string>;
    };
    expect(await runMain(['--version'])).toMatchObject({ code: 0, stdout: pkg.version });
    const bad = await runMain(['serve', '--no-such-option']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --no-such-option[\s\S]*Usage: ccm-mock serve/);
    const refused = async (args: string[], message: string) => {
      const r = await runMain(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
    };
    await refused(['serve', '--port'], '--port needs a value');
    await refused(['serve', '--log-level', 'loud'], 'logLevel must be one of');
    await refused(['launch'], 'unknown command launch');
    // an accounts file the guide's limits refuse stops the start, naming the JSON path
    const dir = tempDir();
    const accounts = defaultAccounts();
    accounts.customers[0].organizations[0].secretKey = 'a-secret-key-of-21-ch';
    try {
      writeFileSync(join(dir, 'accounts.json'), JSON.stringify(accounts));
      await refused(
        ['serve', '--accounts', join(dir, 'accounts.json')],
        'customers.0.organizations.0.secretKey: a secret key has at most 20 characters (guide 2.1.1.1)',
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
    // the package's bin is the compiled CLI that `npm run build` makes from server/cli.ts
    expect(pkg.bin['ccm-mock']).toBe('dist/server/cli.js');
  });
});

describe("the banner's accounts line", () => {
  it('prints the credentials read from the package fixture, known by its resolved path; for any other file, its path', () => {
    const fixture = defaultAccounts();
    const shown =
      'customerLoginUri "sandbox", login "admin", password "sandbox", orgId 1001, secretKey "sandbox-secret", emails @example.com';
    expect(accountsSummary(DEFAULT_ACCOUNTS_FILE, new Accounts(fixture))).toBe(shown);
    expect(accountsSummary(relative(process.cwd(), DEFAULT_ACCOUNTS_FILE), new Accounts(fixture))).toBe(shown);
    // the credentials come from the file, not from the banner's code
    const changed = structuredClone(fixture);
    changed.customers[0].admins[0].password = 'changed-password';
    changed.customers[0].organizations[0].secretKey = 'changed-secret';
    expect(accountsSummary(DEFAULT_ACCOUNTS_FILE, new Accounts(changed))).toContain(
      'password "changed-password", orgId 1001, secretKey "changed-secret"',
    );
    const copy = join(tempDir(), 'fixtures', 'accounts.json');
    expect(accountsSummary(copy, new Accounts(fixture))).toBe(copy);
  });
});

describe('ccm-mock serve', () => {
  let p: ServeProcess;
  beforeAll(async () => {
    p = await startServe(['--delay', '0'], { CCM_MOCK_SEED: 'cli-test-seed' });
  });
  afterAll(() => p?.stop('SIGKILL'));

  it('prints a banner: endpoint, WSDL, CA, seed (from the environment), storage, default credentials, health', () => {
    const banner = p
      .lines()
      .filter((l) => !l.startsWith('{'))
      .join('\n');
    expect(banner).toContain('TEST CERTIFICATES ONLY');
    expect(banner).toContain(`endpoint  ${p.endpoint}`);
    expect(banner).toContain(`wsdl      ${p.endpoint}?wsdl`);
    expect(banner).toContain(`ca        ${p.url}/ca/chain.pem (generated)`);
    expect(banner).toContain('seed      cli-test-seed');
    expect(banner).toContain('storage   memory');
    expect(banner).toContain('login "admin", password "sandbox", orgId 1001, secretKey "sandbox-secret"');
    expect(banner).toContain(`${p.url}/healthz (live), ${p.url}/readyz (ready)`);
  });

  it('answers /healthz and /readyz with JSON', async () => {
    const live = await fetch(p.url + '/healthz');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(p.url + '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { ca: 'ok', wsdl: 'ok', store: 'ok', clock: 'ok' } });
  });

  it('logs one JSON line per SOAP call (operation, customer, order, code, latency) and never a secret', async () => {
    const n = (await call(p.endpoint, 'enroll', enrollXml({ csr: readCsr() }))).code;
    expect((await call(p.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(1);
    const wrong = { login: 'admin', password: 'hunter2-wrong', customerLoginUri: 'sandbox' };
    expect((await call(p.endpoint, 'collect', orderXml(n, wrong))).code).toBe(-100);
    const fault = await call(
      p.endpoint,
      'enroll',
      // XML broken inside the payload: a fault, after the secret was read
      enrollXml({ auth: { ...wrong, password: 'hunter2-fault' }, csr: readCsr() }) + '<x>&nope;</x>',
    );
    expect(fault.status).toBe(500);
    await expect.poll(() => p.logs().filter((l) => l.operation !== undefined || l.fault !== undefined).length).toBe(4);

    const calls = p.logs().filter((l) => l.msg === 'soap call' || l.msg === 'soap fault');
    expect(calls).toHaveLength(4);
    for (const line of calls) {
      expect(line.service).toBe('ccm-mock');
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(typeof line.latencyMs).toBe('number');
    }
    expect(calls[0]).toMatchObject({
      level: 'info',
      msg: 'soap call',
      operation: 'enroll',
      customer: 'sandbox',
      order: n,
      code: n,
      status: 200,
    });
    expect(calls[1]).toMatchObject({ operation: 'getCollectStatus', customer: 'sandbox', order: n, code: 1 });
    expect(calls[2]).toMatchObject({ operation: 'collect', order: n, code: -100 });
    expect(calls[3]).toMatchObject({ level: 'warn', msg: 'soap fault', status: 500 });
    expect(calls[3].fault).toMatch(/./);

    const everything = p.lines().join('\n') + p.stderr();
    expect(everything).not.toContain('hunter2');
    // the banner shows the default fixture's secret key on purpose; the log lines never carry one
    expect(p.logs().some((l) => JSON.stringify(l).includes('sandbox-secret'))).toBe(false);
  });
});

describe('ccm-mock serve with its own accounts, an admin token, a public URL and a certificate format', () => {
  // a file whose path ends like the package's fixture: only the package's own may have its secrets printed
  const accountsFile = join(tempDir(), 'fixtures', 'accounts.json');
  const ACME = { login: 'ops', password: 'ops-password-1', customerLoginUri: 'acme' };
  const PUBLIC = 'http://ccm.example.test:9443';
  let p: ServeProcess;
  beforeAll(async () => {
    mkdirSync(join(accountsFile, '..'), { recursive: true });
    writeFileSync(
      accountsFile,
      JSON.stringify({
        customers: [
          {
            customerLoginUri: ACME.customerLoginUri,
            name: 'Acme',
            admins: [{ login: ACME.login, password: ACME.password }],
            organizations: [{ orgId: 2001, name: 'Acme Org', secretKey: 'acme-secret-1', emailDomains: ['acme.test'] }],
          },
        ],
      }),
    );
    // the environment says otherwise for two keys; the flags win
    p = await startServe(
      [
        '--accounts',
        accountsFile,
        '--admin-token',
        'flag-token-0123456789',
        '--public-url',
        PUBLIC,
        '--cert-format',
        'x509',
        '--delay',
        '0',
      ],
      {
        CCM_MOCK_ADMIN_TOKEN: 'env-token-0123456789',
        CCM_MOCK_CERT_FORMAT: 'pem-chain',
      },
    );
  });
  afterAll(() => p?.stop('SIGKILL'));

  it('the banner names the accounts file, not its secrets, and shows the public URL and that a token is required', () => {
    const banner = p
      .lines()
      .filter((l) => !l.startsWith('{'))
      .join('\n');
    expect(banner).toContain(`accounts  ${accountsFile}`);
    expect(banner).not.toMatch(/ops-password-1|acme-secret-1|password "sandbox"/);
    expect(banner).toContain(`endpoint  ${PUBLIC}/ws/EPKIManager`);
    expect(banner).toContain(`admin     ${PUBLIC}/admin (page), ${PUBLIC}/admin/api (JSON), token required`);
    expect(banner).toContain('certificate format x509');
  });

  it('the admin API and page take the token of the flag only', async () => {
    const info = (headers: Record<string, string> = {}) => fetch(p.url + '/admin/api/info', { headers });
    expect((await info()).status).toBe(401);
    expect((await info({ Authorization: 'Bearer env-token-0123456789' })).status).toBe(401);
    expect((await info({ Authorization: 'Bearer flag-token-0123456789' })).status).toBe(200);
    const page = await fetch(p.url + '/admin');
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(
      (
        await fetch(p.url + '/admin', {
          headers: { Authorization: 'Basic ' + Buffer.from('any:flag-token-0123456789').toString('base64') },
        })
      ).status,
    ).toBe(200);
  });

  it('serves the customers of the accounts file only, the WSDL and certificates name the public URL, collect answers the x509 format', async () => {
    const wsdl = await (await fetch(p.endpoint + '?wsdl')).text();
    expect(wsdl).toContain(`location="${PUBLIC}/ws/EPKIManager"`);
    expect((await call(p.endpoint, 'enroll', enrollXml({ csr: readCsr() }))).code).toBe(-100);
    const n = (
      await call(
        p.endpoint,
        'enroll',
        enrollXml({ auth: ACME, orgId: 2001, secretKey: 'acme-secret-1', email: 'bob@acme.test', csr: readCsr() }),
      )
    ).code;
    expect(n).toBeGreaterThan(0);
    const collected = await call(p.endpoint, 'collect', orderXml(n, ACME));
    expect(collected.code).toBe(1);
    // x509: the leaf's DER alone, base64
    const leaf = new X509Certificate(Buffer.from(collected.fields.certificate, 'base64'));
    expect(certificatesOf(collected.fields.certificate, 'x509')).toHaveLength(1);
    expect(leaf.checkEmail('bob@acme.test')).toBe('bob@acme.test');
    expect(openssl(['x509', '-noout', '-ext', 'crlDistributionPoints'], leaf.toString())).toContain(
      `URI:${PUBLIC}/crl/intermediate.crl`,
    );
    expect(await (await fetch(p.url + '/ca/intermediate.pem')).text()).toContain('BEGIN CERTIFICATE');
  });
});

describe('ccm-mock serve stopping with a request still in flight', () => {
  it('waits --stop-timeout-ms, closes the store, logs it and exits with code 1', async () => {
    const dataDir = tempDir();
    const p = await startServe(['--data-dir', dataDir, '--delay', '0', '--stop-timeout-ms', '200']);
    try {
      // an enroll carried out, its answer then held back: in flight for as long as the hang lasts (30 s)
      const fault = await fetch(p.url + '/admin/api/faults', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ customer: 'sandbox', operation: 'enroll', transport: 'hang', after: true }),
      });
      expect(fault.status).toBe(201);
      const held = call(p.endpoint, 'enroll', enrollXml({ csr: readCsr() })).catch((err: Error) => err);
      await expect
        .poll(async () => ((await (await fetch(p.url + '/admin/api/orders')).json()) as unknown[]).length)
        .toBe(1);

      expect(await p.stop('SIGTERM')).toEqual({ code: 1, signal: null });
      const stopping = p.logs().find((l) => /stop timeout/.test(String(l.msg)));
      expect(stopping).toMatchObject({ level: 'error', signal: 'SIGTERM', stopTimeoutMs: 200 });
      expect(p.logs().map((l) => l.msg)).not.toContain('stopped');
      expect(await held).toBeInstanceOf(Error);
    } finally {
      await p.stop('SIGKILL');
    }
    // closed, not abandoned: SQLite checkpointed the WAL into the database and removed it
    expect(readFileSync(join(dataDir, 'ccm-mock.db')).length).toBeGreaterThan(0);
    expect(() => readFileSync(join(dataDir, 'ccm-mock.db-wal'))).toThrow(/ENOENT/);
  });
});
