import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../server/cli.js';
import { CONFIG_KEYS } from '../../server/config.js';
import { packageRoot } from '../../wsdl/paths.js';
import { startServe, type ServeProcess } from '../support/cli-process.js';
import { defaultAccounts, readCsr } from '../support/fixtures.js';
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
  it('--help lists every configuration key with its flag and environment variable', async () => {
    const help = await runMain(['serve', '--help']);
    expect(help.code).toBe(0);
    for (const k of CONFIG_KEYS) {
      expect(help.stdout).toContain(k.flag);
      expect(help.stdout).toContain(`env ${k.env}`);
    }
    expect((await runMain([])).code).toBe(2);
  });

  it('--version prints the package version; unknown options and commands exit 2 with the usage', async () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
    expect(await runMain(['--version'])).toMatchObject({ code: 0, stdout: pkg.version });
    const bad = await runMain(['serve', '--no-such-option']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --no-such-option[\s\S]*Usage: ccm-mock serve/);
    expect(await runMain(['serve', '--port'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--port needs a value') });
    expect(await runMain(['serve', '--log-level', 'loud'])).toMatchObject({ code: 2, stderr: expect.stringContaining('logLevel must be one of') });
    expect(await runMain(['launch'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command launch') });
    // an accounts file the guide's limits refuse stops the start, naming the JSON path
    const dir = mkdtempSync(join(tmpdir(), 'ccm-accounts-'));
    const accounts = defaultAccounts();
    accounts.customers[0].organizations[0].secretKey = 'a-secret-key-of-21-ch';
    try {
      writeFileSync(join(dir, 'accounts.json'), JSON.stringify(accounts));
      expect(await runMain(['serve', '--accounts', join(dir, 'accounts.json')])).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('customers.0.organizations.0.secretKey: a secret key has at most 20 characters (guide 2.1.1.1)'),
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
    // the package's bin is the compiled CLI that `npm run build` makes from server/cli.ts
    expect(pkg.bin['ccm-mock']).toBe('dist/server/cli.js');
  });
});

describe('ccm-mock serve', () => {
  let p: ServeProcess;
  beforeAll(async () => {
    p = await startServe(['--delay', '0'], { CCM_MOCK_SEED: 'cli-test-seed' });
  });
  afterAll(() => p?.stop('SIGKILL'));

  it('prints a banner: endpoint, WSDL, CA, seed (from the environment), storage, default credentials, health', () => {
    const banner = p.lines().filter((l) => !l.startsWith('{')).join('\n');
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
    expect(await ready.json()).toEqual({ status: 'ready', checks: { ca: 'ok', wsdl: 'ok', store: 'ok' } });
  });

  it('logs one JSON line per SOAP call (operation, customer, order, code, latency) and never a secret', async () => {
    const n = (await call(p.endpoint, 'enroll', enrollXml({ csr: readCsr() }))).code;
    expect((await call(p.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(1);
    const wrong = { login: 'admin', password: 'hunter2-wrong', customerLoginUri: 'sandbox' };
    expect((await call(p.endpoint, 'collect', orderXml(n, wrong))).code).toBe(-100);
    const fault = await call(p.endpoint, 'enroll', enrollXml({ auth: { ...wrong, password: 'hunter2-fault' }, orgId: 'abc', csr: readCsr() }));
    expect(fault.status).toBe(500);
    await expect.poll(() => p.logs().filter((l) => l.operation !== undefined || l.fault !== undefined).length).toBe(4);

    const calls = p.logs().filter((l) => l.msg === 'soap call' || l.msg === 'soap fault');
    expect(calls).toHaveLength(4);
    for (const line of calls) {
      expect(line).toMatchObject({ service: 'ccm-mock', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect(typeof line.latencyMs).toBe('number');
    }
    expect(calls[0]).toMatchObject({ level: 'info', msg: 'soap call', operation: 'enroll', customer: 'sandbox', order: n, code: n, status: 200 });
    expect(calls[1]).toMatchObject({ operation: 'getCollectStatus', customer: 'sandbox', order: n, code: 1 });
    expect(calls[2]).toMatchObject({ operation: 'collect', order: n, code: -100 });
    expect(calls[3]).toMatchObject({ level: 'warn', msg: 'soap fault', status: 500, fault: expect.stringMatching(/./) });

    const everything = p.lines().join('\n') + p.stderr();
    expect(everything).not.toContain('hunter2');
    // the banner shows the default fixture's secret key on purpose; the log lines never carry one
    expect(p.logs().some((l) => JSON.stringify(l).includes('sandbox-secret'))).toBe(false);
  });
});
