import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../client/cli/main.js';
import { COMMANDS } from '../../client/cli/commands.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { ccm, ccmProcess } from '../support/ccm-processes.js';
import { abortAfterAnswer, closedPortUrl, fakeEndpoint, hangingPollProxy } from '../support/fake-endpoints.js';
import { csrPath } from '../support/fixtures.js';
import { openssl, tempDir, verifySmime } from '../support/openssl.js';
import { packageRoot } from '../../wsdl/paths.js';
import type { ConformanceReport } from '../../client/conformance/runner.js';
import { readJsonFile, shaped } from '../support/json.js';
import { z } from 'zod';

/** The `ccm` CLI against the mock over real HTTP: every command, --json, progress, files and exit codes. */

let mock: MockServer;
let env: Record<string, string>;
let cwd: string;
let n = 0;
const email = (tag = '') => `cli-${++n}${tag ? '+' + tag : ''}@example.com`;
const CSR = csrPath('rsa-2048.csr');

/** The fields of `ccm ... --json` answers the tests read (the rest is matched whole). */
const Enrolled = z.object({ orderNumber: z.number().int(), email: z.string() });
const Collected = z.object({ serialNumber: z.string() });

beforeAll(async () => {
  mock = await createMockServer();
  env = {
    CCM_URL: mock.url, // a base URL: the client adds /ws/EPKIManager
    CCM_LOGIN: 'admin',
    CCM_PASSWORD: 'sandbox',
    CCM_CUSTOMER_URI: 'sandbox',
    CCM_ORG_ID: '1001',
    CCM_SECRET_KEY: 'sandbox-secret',
    CCM_EMAIL_DOMAIN: 'example.com',
  };
  cwd = tempDir();
});
afterAll(() => mock.close());

const run = (args: string[], extra: Record<string, string | undefined> = {}, tty?: boolean) =>
  ccm(args, { ...env, ...extra }, { cwd, tty });

async function enrolled(tag = ''): Promise<number> {
  const r = await run(['enroll', '--csr', CSR, '--email', email(tag), '--json']);
  expect(r.code).toBe(0);
  return shaped(Enrolled, r.json).orderNumber;
}

describe('help and usage', () => {
  it('ccm alone prints the commands and exits 2; --help exits 0', async () => {
    const bare = await ccm([]);
    expect(bare.code).toBe(EXIT.USAGE);
    expect(bare.stdout).toMatch(/Commands:[\s\S]*conformance[\s\S]*Exit codes:/);
    expect((await ccm(['--help'])).code).toBe(0);
    expect((await ccm(['help', 'collect'])).stdout).toMatch(/^Usage: ccm collect ORDER/);
    expect((await ccm(['--version'])).stdout).toMatch(/^ccm \d+\.\d+\.\d+/);
  });

  it.each(COMMANDS.map((c) => c.name))('ccm %s --help', async (name) => {
    const r = await ccm([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: ccm ${name}`));
    expect(r.stdout).toMatch(/Options:[\s\S]*--json[\s\S]*Exit codes:/);
  });

  it.each([
    [['frobnicate'], /unknown command frobnicate/],
    [['status', '--bogus', '1'], /Unknown option '--bogus'/],
    [['status'], /missing ORDER/],
    [['status', '12x'], /ORDER must be a positive integer/],
    [['status', '1', '2'], /unexpected argument 2/],
    [['enroll', '--email', 'a@example.com'], /exactly one of --csr FILE and --generate-key/],
    [['enroll', '--csr', 'missing.csr', '--email', 'a@example.com'], /cannot read the CSR missing.csr: ENOENT/],
    [['revoke', '1', '--serial', '01'], /exactly one of ORDER, --serial SERIAL, --person EMAIL/],
    [['revoke', '--person', 'a@example.com'], /--person needs --org NAME/],
    [['collect', '1', '--wait', '--timeout', 'soon'], /--timeout: "soon" is not a duration/],
    [
      ['enroll', '--csr', CSR, '--email', 'a@example.com', '--out', 'a.pem'],
      /--out goes with --wait \(without it, enroll only prints the order number; later: ccm collect ORDER --wait --out FILE\)/,
    ],
    [
      ['enroll', '--csr', CSR, '--email', 'a@example.com', '--timeout', '5m', '--poll-interval', '1s'],
      /--timeout and --poll-interval go with --wait/,
    ],
    [['collect', '1', '--timeout', '5m'], /--timeout goes with --wait \(without it, collect asks once\)/],
    [['conformance', '--only', 'no-such-check'], /unknown check no-such-check/],
  ])('%j exits 2 with a message', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(message);
  });

  it('no endpoint or no credentials is a usage error naming the variables', async () => {
    expect((await ccm(['info'], {})).stderr).toMatch(/give --url URL or set CCM_URL/);
    const r = await ccm(['status', '1'], { CCM_URL: mock.url });
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/--login \/ CCM_LOGIN, --password \/ CCM_PASSWORD, --customer-uri \/ CCM_CUSTOMER_URI/);
  });

  it('a usage error in --json mode is JSON on stdout', async () => {
    const r = await run(['status', 'x', '--json']);
    expect(r.json).toEqual({ error: { type: 'usage', message: 'ORDER must be a positive integer, not "x"' } });
  });
});

describe('info and templates', () => {
  it('info needs no credentials; flags win over the environment', async () => {
    const r = await ccm(['info', '--url', mock.endpoint], { CCM_URL: 'http://127.0.0.1:1/' });
    expect(r.code).toBe(0);
    expect((await ccm(['info', '--endpoint', mock.endpoint], { CCM_URL: 'http://127.0.0.1:1/' })).code).toBe(0);
    expect(r.stdout).toMatch(/^ccm-mock EPKIManager/);
    expect((await run(['info', '--json'])).json).toMatchObject({
      endpoint: mock.endpoint,
      namespace: 'http://ws.epki.comodo.com/',
    });
  });

  it('templates: a readable list, or JSON', async () => {
    const r = await run(['templates']);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'smime-standard  S/MIME signing and encryption',
      '    key usages:          Digital Signature (0), Key Encipherment (2)',
    ]);
    const j = await run(['templates', '--json']);
    const templates = shaped(z.object({ templates: z.array(z.object({ shortName: z.string() })) }), j.json).templates;
    expect(templates.map((t) => t.shortName)).toContain('client-auth');
  });
});

describe('enroll', () => {
  it('--csr FILE: prints the order number; --json has it too', async () => {
    const address = email();
    const r = await run(['enroll', '--csr', CSR, '--email', address, '--username', 'Alice Example']);
    expect(r.code).toBe(0);
    const order = Number(/^order (\d+) enrolled for (\S+)\n$/.exec(r.stdout)?.[1]);
    expect(mock.store.get(order)).toMatchObject({ email: address, username: 'Alice Example', templates: [] });
    expect(r.stderr).toContain(`ccm collect ${order} --wait`);
  });

  it('an address without a domain gets CCM_EMAIL_DOMAIN; no address at all gets a fresh test address', async () => {
    const a = await run(['enroll', '--csr', CSR, '--email', 'dora', '--json']);
    expect(a.json).toMatchObject({ email: 'dora@example.com', username: 'dora' });
    const b = await run(['enroll', '--csr', CSR, '--json']);
    expect(shaped(Enrolled, b.json).email).toMatch(/^ccm-[0-9a-f]{8}@example\.com$/);
  });

  it('--template uses enrollUsingKUTemplates', async () => {
    const r = await run([
      'enroll',
      '--csr',
      CSR,
      '--email',
      email(),
      '--template',
      'smime-signing',
      '--template',
      'client-auth',
      '--json',
    ]);
    expect(mock.store.get(shaped(Enrolled, r.json).orderNumber)!.templates).toEqual(['smime-signing', 'client-auth']);
  });

  it('--generate-key --wait --out: a 0600 key file, and a certificate for that key that openssl verifies', async () => {
    const r = await run([
      'enroll',
      '--generate-key',
      '--email',
      'erin',
      '--wait',
      '--out',
      'erin.pem',
      '--poll-interval',
      '0',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^order \d+: certificate [0-9a-f]+ for erin@example.com, valid until .*\nwritten to .*erin\.pem \(leaf \+ 2 CA certificates, PEM\)\n$/,
    );
    expect(statSync(join(cwd, 'erin.key')).mode & 0o777).toBe(0o600);
    const chain = readFileSync(join(cwd, 'erin.pem'), 'utf8');
    const leaf = chain.slice(0, chain.indexOf('-----END CERTIFICATE-----') + 26);
    expect(verifySmime(leaf, mock.ca.root.pem, mock.ca.issuing.pem)).toMatch(/OK/);
    const certKey = openssl(['x509', '-noout', '-pubkey'], leaf);
    expect(openssl(['pkey', '-in', join(cwd, 'erin.key'), '-pubout'])).toBe(certKey);

    const again = await run(['enroll', '--generate-key', '--email', 'erin']);
    expect(again.code).toBe(EXIT.USAGE);
    expect(again.stderr).toMatch(/erin\.key: the file exists \(not overwriting a key\)/);
  });

  it('a refusal exits 3 with the catalog meaning and a hint; --json carries the code', async () => {
    const r = await run(['enroll', '--csr', CSR, '--email', 'bob@example.net']);
    expect(r.code).toBe(EXIT.CCM_STATUS);
    expect(r.stderr).toBe(
      "ccm: enroll answered -111: Domain is not allowed for Organization\n  hint: the e-mail's domain is not one of the organization's (CCM_EMAIL_DOMAIN)\n",
    );
    const j = await run(['enroll', '--csr', CSR, '--email', email(), '--json'], { CCM_PASSWORD: 'wrong' });
    expect(j.code).toBe(EXIT.CCM_STATUS);
    expect(j.json).toEqual({
      error: {
        type: 'status',
        code: -100,
        status: 'INVALID_AUTH_DATA',
        meaning: 'Invalid auth data!',
        source: 'guide',
        operation: 'enroll',
      },
    });
  });
});

describe('status and collect', () => {
  it('status: available or being processed; a negative code exits 3', async () => {
    const order = await enrolled();
    expect((await run(['status', String(order)])).stdout).toBe(`order ${order}: certificate available (1)\n`);
    // docs/cli.md shows this output as it is
    const shown = (await run(['status', String(order), '--json'])).stdout.replaceAll(String(order), '1234567');
    expect(readFileSync(join(packageRoot, 'docs', 'cli.md'), 'utf8')).toContain(
      '$ ccm status 1234567 --json\n' + shown + '```',
    );
    const pending = await enrolled('pending2');
    expect((await run(['status', String(pending), '--json'])).json).toEqual({
      orderNumber: pending,
      code: 0,
      status: 'processing',
    });
    const missing = await run(['status', '2000000000']);
    expect(missing.code).toBe(EXIT.CCM_STATUS);
    expect(missing.stderr).toMatch(/getCollectStatus answered -2: Order number not found\. \(order 2000000000\)/);
  });

  it('collect: PEM on stdout (leaf, then chain), the summary on stderr', async () => {
    const order = await enrolled();
    const r = await run(['collect', String(order)]);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(3);
    expect(r.stdout.endsWith(mock.ca.issuingFor(mock.url).pem + mock.ca.root.pem)).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`^order ${order}: certificate [0-9a-f]+ for cli-\\d+@example.com`));
    const j = await run(['collect', String(order), '--json']);
    expect(j.json).toMatchObject({
      orderNumber: order,
      format: 'pkcs7',
      chainLength: 2,
      emails: [mock.store.get(order)!.email],
    });
    expect(shaped(Collected, j.json).serialNumber).toBe(mock.store.get(order)!.certificate!.serial);
  });

  it('collect of an order still being processed exits 6; --wait polls with progress and then delivers', async () => {
    const order = await enrolled('pending3');
    const first = await run(['collect', String(order), '--json']);
    expect(first.code).toBe(EXIT.NOT_READY);
    expect(first.json).toEqual({ orderNumber: order, code: 0, status: 'processing' });
    const waited = await run(['collect', String(order), '--wait', '--poll-interval', '0', '--out', `o${order}.pem`]);
    expect(waited.code).toBe(0);
    expect(waited.stderr).toMatch(
      new RegExp(`^waiting for order ${order}: being processed, poll 1, \\d+ s elapsed, next poll in 0\\.0 s\\n`),
    );
    expect(existsSync(join(cwd, `o${order}.pem`))).toBe(true);
  });

  it('on a terminal the progress is one rewritten line; --quiet silences it', async () => {
    const tty = await run(
      ['collect', String(await enrolled('pending2')), '--wait', '--poll-interval', '0', '--out', `t${n}.pem`],
      {},
      true,
    );
    expect(tty.stderr).toMatch(
      // eslint-disable-next-line no-control-regex -- the terminal's erase-line escape (ESC [2K) is what is tested
      /^\r\x1b\[2K. waiting for order \d+: being processed, poll 1.*\r\x1b\[2K. waiting .*poll 2.*\r\x1b\[2K/s,
    );
    const quiet = await run([
      'collect',
      String(await enrolled('pending2')),
      '--wait',
      '--poll-interval',
      '0',
      '--quiet',
      '--out',
      `q${n}.pem`,
    ]);
    expect(quiet.stderr).toBe('');
  });

  it('--wait past --timeout exits 6 with the order number to resume with', async () => {
    const order = await enrolled('pending50');
    const r = await run(['collect', String(order), '--wait', '--timeout', '0', '--json']);
    expect(r.code).toBe(EXIT.NOT_READY);
    expect(r.json).toMatchObject({ error: { type: 'wait-timeout', orderNumber: order, polls: 1, lastCode: 0 } });
    expect(r.stderr).toMatch(/still being processed/);
  });

  it('--wait --timeout 0 still makes its one poll: an order already issued is delivered', async () => {
    const order = await enrolled();
    const r = await run(['collect', String(order), '--wait', '--timeout', '0', '--out', `z${order}.pem`]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, `z${order}.pem`), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('a rejected order exits 3 while waiting', async () => {
    const r = await run(['enroll', '--csr', CSR, '--email', email('reject'), '--wait', '--poll-interval', '0']);
    expect(r.code).toBe(EXIT.CCM_STATUS);
    expect(r.stderr).toMatch(/getCollectStatus answered -20: CSR rejected \(order \d+\)/);
  });
});

describe('revoke', () => {
  it('by order number, by serial, by person', async () => {
    const byOrder = await enrolled();
    expect((await run(['revoke', String(byOrder), '--reason', 'key compromise'])).stdout).toBe(
      `revoked order ${byOrder}\n`,
    );
    expect(mock.store.get(byOrder)!.revocation).toMatchObject({ reason: 'key compromise' });
    const again = await run(['revoke', String(byOrder), '--json']);
    expect(again.code).toBe(EXIT.CCM_STATUS);
    expect(again.json).toMatchObject({
      error: { code: -21, status: 'REVOKED', operation: 'revoke', orderNumber: byOrder },
    });

    const bySerial = await enrolled();
    const serial = shaped(Collected, (await run(['collect', String(bySerial), '--json'])).json).serialNumber;
    expect((await run(['revoke', '--serial', serial.toUpperCase()])).code).toBe(0);
    expect(mock.store.get(bySerial)!.state).toBe('revoked');

    const address = email();
    const byPerson = shaped(
      Enrolled,
      (await run(['enroll', '--csr', CSR, '--email', address, '--json'])).json,
    ).orderNumber;
    const r = await run(['revoke', '--person', address, '--org', 'Sandbox Org', '--json']);
    expect(r.json).toEqual({ revoked: 'person', email: address, org: 'Sandbox Org' });
    expect(mock.store.get(byPerson)!.state).toBe('revoked');
  });
});

describe('faults and transport failures', () => {
  it('an endpoint that is not there exits 5', async () => {
    const r = await run(['status', '1', '--json'], { CCM_URL: await closedPortUrl() });
    expect(r.code).toBe(EXIT.TRANSPORT);
    expect(r.json).toMatchObject({ error: { type: 'transport', kind: 'network', mayHaveReachedService: false } });
  });

  it('Ctrl-C while enroll is in flight exits 130 and warns that the order may exist', async () => {
    const controller = new AbortController();
    const hung = await fakeEndpoint(() => controller.abort());
    try {
      const r = await ccm(
        ['enroll', '--csr', CSR, '--email', email(), '--json'],
        { ...env, CCM_URL: hung.url },
        { cwd, signal: controller.signal },
      );
      expect(r.code).toBe(EXIT.INTERRUPTED);
      expect(r.json).toMatchObject({ error: { type: 'aborted', operation: 'enroll', mayHaveReachedService: true } });
      expect(r.stderr).toMatch(
        /the request may have been processed: check \(ccm status \/ ccm collect\) before repeating it/,
      );
    } finally {
      await hung.close();
    }
  });

  it('a SOAP fault (the wrong namespace) exits 4', async () => {
    const r = await run(['info', '--namespace', 'urn:not-the-namespace']);
    expect(r.code).toBe(EXIT.SOAP_FAULT);
    expect(r.stderr).toMatch(
      /SOAP fault Client \(HTTP 500\): Cannot find dispatch method for \{urn:not-the-namespace\}getWebServiceInfo/,
    );
  });
});

describe('conformance', () => {
  it('--list names every check with its tags and guide section', async () => {
    const r = await ccm(['conformance', '--list', '--json']);
    const Listed = z.object({
      checks: z.array(
        z.strictObject({ name: z.string(), title: z.string(), tags: z.array(z.string()), guide: z.string() }),
      ),
    });
    const [first] = shaped(Listed, r.json).checks;
    expect(first).toMatchObject({ name: 'wsdl-drift', tags: ['read-only'] });
    expect(first.guide).toContain('1');
  });

  it('by default runs the read-only checks only, and writes JUnit and JSON reports', async () => {
    const r = await run(['conformance', '--junit', 'c.xml', '--json-report', 'c.json', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS {4}wsdl-drift/);
    expect(r.stdout).toMatch(/SKIP {4}enroll-collect .* needs --allow-issue/);
    const report = readJsonFile<ConformanceReport>(join(cwd, 'c.json'));
    expect(report.results.filter((x) => x.status !== 'skipped').every((x) => x.tags.join() === 'read-only')).toBe(true);
    expect(report.created).toEqual([]);
    expect(readFileSync(join(cwd, 'c.xml'), 'utf8')).toMatch(
      /<testsuites name="ccm conformance" tests="\d+" failures="0" errors="0" skipped="\d+"/,
    );
  });
});

describe('as a process', () => {
  it('exit codes reach the shell', async () => {
    const { done } = ccmProcess(['status', '2000000000'], env);
    const r = await done;
    expect(r.code).toBe(EXIT.CCM_STATUS);
    expect(r.stderr).toMatch(/-2: Order number not found/);
  });

  it('Ctrl-C during --wait exits 130 and says how to resume', async () => {
    const order = await enrolled('pending1000');
    const { child, done } = ccmProcess(['collect', String(order), '--wait', '--poll-interval', '60s'], env);
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr!.on('data', (c: Buffer) => {
        seen += c.toString();
        if (seen.includes('waiting for order')) resolve();
      });
    });
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(EXIT.INTERRUPTED);
    expect(r.stderr).toContain(`resume with: ccm collect ${order} --wait`);
  });

  it('Ctrl-C during the last conformance check, which still passes, exits 130 all the same', async () => {
    const controller = new AbortController();
    const r = await ccm(['conformance', '--only', 'web-service-info'], env, {
      cwd,
      signal: controller.signal,
      fetch: abortAfterAnswer(/getWebServiceInfo/, controller),
    });
    expect(r.stdout).toMatch(/1 checks: 1 passed, 0 failed, 0 errors, 0 skipped {2}-> INTERRUPTED/);
    expect(r.stderr).toMatch(/interrupted: stopping \(Ctrl-C again to quit at once\)/);
    expect(r.stderr).toMatch(/ccm: interrupted: every check had run\n$/);
    expect(r.code).toBe(EXIT.INTERRUPTED);
  });

  it('Ctrl-C during conformance stops the run, revokes what it created, lists it and exits 130', async () => {
    const proxy = await hangingPollProxy(mock.endpoint); // enroll-collect's first poll hangs
    try {
      const { child, done } = ccmProcess(
        [
          'conformance',
          '--endpoint',
          proxy.url,
          '--allow-issue',
          '--allow-revoke',
          '--only',
          'enroll-collect,revoke-by-order-number',
          '--csr',
          CSR,
          '--poll-interval',
          '0',
          '--request-timeout',
          '10m',
          '--json-report',
          join(cwd, 'interrupted.json'),
        ],
        { ...env, CCM_ORG_NAME: 'Sandbox Org' },
      );
      await proxy.polled;
      child.kill('SIGINT');
      const r = await done;
      expect(r.code).toBe(EXIT.INTERRUPTED);
      expect(r.stderr).toMatch(/interrupted: stopping, then revoking what this run created/);
      expect(r.stderr).toMatch(/ccm: interrupted: 1 check not run\n$/);
      const order = Number(
        /orders created by this run \(1\):\n {4}(\d+) .*\(enroll-collect\) {2}revoked\n/.exec(r.stdout)?.[1],
      );
      expect(mock.store.get(order)!.state).toBe('revoked');
      expect(readJsonFile(join(cwd, 'interrupted.json'))).toMatchObject({
        interrupted: true,
        created: [{ orderNumber: order, revoked: true }],
      });
    } finally {
      await proxy.close();
    }
  });
});
