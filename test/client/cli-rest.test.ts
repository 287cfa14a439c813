import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../client/cli/main.js';
import { COMMANDS } from '../../client/cli/commands.js';
import type { ConformanceReport } from '../../client/conformance/runner.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { ccm } from '../support/ccm-processes.js';
import { closedPortUrl } from '../support/fake-endpoints.js';
import { csrPath } from '../support/fixtures.js';
import { readJsonFile, shaped } from '../support/json.js';
import { openssl, tempDir, verifySmime } from '../support/openssl.js';

/** `ccm --api rest` (and CCM_API=rest) against the mock over real HTTP: each command with a REST side, and REST's own. */

let mock: MockServer;
let env: Record<string, string>;
let cwd: string;
let n = 0;
const email = (tag = '') => `cli-rest-${++n}${tag ? '+' + tag : ''}@example.com`;
const CSR = csrPath('rsa-2048.csr');

const Enrolled = z.object({
  orderNumber: z.number().int(),
  backendCertId: z.string(),
  email: z.string(),
  certType: z.number(),
  term: z.number(),
});
const Collected = z.object({ backendCertId: z.string(), serialNumber: z.string() });

beforeAll(async () => {
  mock = await createMockServer({ seed: 'cli-rest' });
  env = {
    CCM_API: 'rest',
    CCM_URL: mock.url, // a base URL: the REST client adds /api
    CCM_LOGIN: 'admin',
    CCM_PASSWORD: 'sandbox',
    CCM_CUSTOMER_URI: 'sandbox',
    CCM_ORG_ID: '1001',
    CCM_EMAIL_DOMAIN: 'example.com',
  };
  cwd = tempDir();
});
afterAll(() => mock.close());

const run = (args: string[], extra: Record<string, string | undefined> = {}) =>
  ccm(args, { ...env, ...extra }, { cwd });

async function enrolled(tag = '', extra: string[] = []) {
  const r = await run(['enroll', '--csr', CSR, '--email', email(tag), '--json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return shaped(Enrolled, r.json);
}

describe('choosing the API', () => {
  it('--api and CCM_API pick REST; the flag wins; a bad value is a usage error', async () => {
    const viaEnv = await enrolled();
    expect(mock.store.get(viaEnv.orderNumber)!.api).toBe('rest');
    const soap = await run(['enroll', '--csr', CSR, '--email', email(), '--json', '--api', 'soap'], {
      CCM_SECRET_KEY: 'sandbox-secret',
    });
    expect(mock.store.get(shaped(z.object({ orderNumber: z.number() }), soap.json).orderNumber)!.api).toBe('soap');
    // the option may also come before the command: ccm --api soap enroll ...
    const first = await run(['--api', 'soap', 'enroll', '--csr', CSR, '--email', email(), '--json'], {
      CCM_SECRET_KEY: 'sandbox-secret',
    });
    expect(mock.store.get(shaped(z.object({ orderNumber: z.number() }), first.json).orderNumber)!.api).toBe('soap');
    const bad = await run(['types', '--api', 'graphql']);
    expect(bad.code).toBe(EXIT.USAGE);
    expect(bad.stderr).toMatch(/--api must be soap or rest, not "graphql"/);
  });

  it("a command of one API only refuses the other; REST's own commands need no --api", async () => {
    const info = await run(['info']);
    expect(info.code).toBe(EXIT.USAGE);
    expect(info.stderr).toMatch(/ccm info is SOAP only \(--api rest\)/);
    expect((await run(['templates'])).stderr).toMatch(/ccm templates is SOAP only/);
    const types = await ccm(['types'], { ...env, CCM_API: undefined });
    expect(types.code).toBe(0);
    expect((await run(['list', '--api', 'soap'])).stderr).toMatch(/ccm list is REST only \(--api soap\)/);
  });

  it('flags of one API are refused with the other, before anything is sent', async () => {
    const before = mock.store.count();
    for (const [args, message] of [
      [['enroll', '--csr', CSR, '--template', 'smime-signing'], /--template is not for the REST API \(--api soap\)/],
      [['revoke', '1', '--org', 'Sandbox Org'], /--org is not for the REST API/],
      [['collect', '1', '--api', 'soap', '--format', 'bin'], /--format is not for the SOAP API \(--api rest\)/],
      [['enroll', '--csr', CSR, '--api', 'soap', '--cert-type', '101'], /--cert-type is not for the SOAP API/],
      [['revoke', '1', '--reason-code', '2'], /--reason-code must be 0, 1, 3, 4 or 5/],
      [['enroll', '--csr', CSR, '--custom-field', 'novalue'], /--custom-field novalue: give NAME=VALUE/],
      [['collect', '1', '--format', 'pkcs12'], /--format must be one of x509, x509CO, base64, bin/],
      [['list', '--all', '--count'], /at most one of --all, --count, --person/],
    ] as const) {
      const r = await run([...args]);
      expect(r.code, r.stderr).toBe(EXIT.USAGE);
      expect(r.stderr).toMatch(message);
    }
    expect(mock.store.count()).toBe(before);
  });
});

describe('REST commands', () => {
  it("types, custom-fields and organizations list the account's", async () => {
    const types = await run(['types']);
    expect(types.stdout).toMatch(
      /^101 {4}ccm-mock S\/MIME Standard .*\n {7}terms: 365, 730 days; keys: RSA 2048\/3072\/4096\n/,
    );
    const second = await run(['types', '--org-id', '1002', '--json']);
    expect(shaped(z.object({ types: z.array(z.object({ id: z.number() })) }), second.json).types).toEqual([
      { id: 101 },
    ]);
    expect((await run(['custom-fields'])).stdout).toBe('11     employeeNumber\n12     costCenter\n');
    expect((await run(['organizations'])).stdout).toMatch(/^1001 {7}Sandbox Org\n {2}1001001 {4}Engineering\n/);
  });

  it("enroll: the organization's first profile and term by default, or --cert-type by id or name and --term", async () => {
    const first = await enrolled();
    expect(first).toMatchObject({ certType: 101, term: 365, backendCertId: String(first.orderNumber) });
    const named = await enrolled('', ['--cert-type', 'ccm-mock S/MIME Signing', '--username', 'Erin Q Example']);
    expect(named).toMatchObject({ certType: 102, term: 365 });
    const order = mock.store.get(named.orderNumber)!;
    expect(order.rest).toMatchObject({ certType: 102, term: 365, firstName: 'Erin Q', lastName: 'Example' });
    const longer = await enrolled('', ['--cert-type', '101', '--term', '730', '--custom-field', 'costCenter=42']);
    expect(mock.store.get(longer.orderNumber)!.rest).toMatchObject({ term: 730 });
  });

  it('enroll --generate-key --wait --out: a certificate for the new key that openssl verifies', async () => {
    const r = await run([
      'enroll',
      '--generate-key',
      '--email',
      'frank',
      '--wait',
      '--out',
      'frank.pem',
      '--poll-interval',
      '0',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^order \d+: certificate [0-9a-f]+ for frank@example.com, valid until .*\nwritten to .*frank\.pem \(leaf \+ 2 CA certificates, PEM\)\n$/,
    );
    const chain = readFileSync(join(cwd, 'frank.pem'), 'utf8');
    const leaf = chain.slice(0, chain.indexOf('-----END CERTIFICATE-----') + 26);
    expect(verifySmime(leaf, mock.ca.root.pem, mock.ca.issuingFor(mock.url).pem)).toMatch(/OK/);
    expect(openssl(['pkey', '-in', join(cwd, 'frank.key'), '-pubout'])).toBe(
      openssl(['x509', '-noout', '-pubkey'], leaf),
    );
  });

  it('status and collect: available, or being processed (-183) which collect exits 6 for; --wait polls through it', async () => {
    // status and collect count as polls: the third is still pending, the fourth is issued
    const { backendCertId } = await enrolled('pending3');
    expect((await run(['status', backendCertId, '--json'])).json).toEqual({
      backendCertId,
      code: -183,
      status: 'processing',
    });
    const first = await run(['collect', backendCertId]);
    expect(first.code).toBe(EXIT.NOT_READY);
    expect(first.stdout).toBe(`order ${backendCertId}: being processed (-183); try again later, or use --wait\n`);
    const waited = await run(['collect', backendCertId, '--wait', '--poll-interval', '0', '--json']);
    expect(waited.code).toBe(0);
    expect(waited.stderr).toMatch(
      new RegExp(`^waiting for order ${backendCertId}: being processed \\(-183\\), poll 1, `),
    );
    expect(shaped(Collected, waited.json).backendCertId).toBe(backendCertId);
    expect((await run(['status', backendCertId])).stdout).toBe(`order ${backendCertId}: certificate available\n`);
  });

  it('collect --format writes the answer as the service sends it; a binary one only to a file', async () => {
    const { backendCertId } = await enrolled();
    const pem = await run(['collect', backendCertId, '--format', 'x509IO']);
    expect(pem.stdout).toBe(mock.ca.root.pem + mock.ca.issuingFor(mock.url).pem);
    expect(pem.stderr).toBe(`order ${backendCertId}: 2 certificates, x509IO\n`);
    const bin = await run(['collect', backendCertId, '--format', 'bin']);
    expect(bin.code).toBe(EXIT.USAGE);
    expect(bin.stderr).toMatch(/--format bin is binary \(DER\): give --out FILE/);
    const file = await run(['collect', backendCertId, '--format', 'bin', '--out', `${backendCertId}.p7b`]);
    expect(file.code).toBe(0);
    expect(
      openssl(['pkcs7', '-inform', 'DER', '-in', join(cwd, `${backendCertId}.p7b`), '-print_certs']).match(/subject=/g),
    ).toHaveLength(3);
  });

  it('revoke by order, by serial, by person; a second revoke exits 3 with the REST code', async () => {
    const byOrder = await enrolled();
    expect(
      (await run(['revoke', byOrder.backendCertId, '--reason', 'key compromise', '--reason-code', '1'])).stdout,
    ).toBe(`revoked order ${byOrder.backendCertId}\n`);
    expect(mock.store.get(byOrder.orderNumber)!.state).toBe('revoked');
    const again = await run(['revoke', byOrder.backendCertId, '--json']);
    expect(again.code).toBe(EXIT.CCM_STATUS);
    expect(again.json).toEqual({
      error: {
        type: 'status',
        api: 'rest',
        code: -159,
        httpStatus: 400,
        status: 'ALREADY_REVOKED',
        description: 'Your certificate already revoked',
        meaning: 'Your certificate already revoked',
        source: 'doc',
        operation: 'smime.revokeByOrder',
        backendCertId: byOrder.backendCertId,
      },
    });
    const collected = await run(['collect', byOrder.backendCertId]);
    expect(collected.code).toBe(EXIT.CCM_STATUS);
    expect(collected.stderr).toBe(
      `ccm: smime.collect answered -110 (HTTP 400): Certificate has been revoked and cannot be downloaded. (order ${byOrder.backendCertId})\n`,
    );

    const bySerial = await enrolled();
    const serial = shaped(Collected, (await run(['collect', bySerial.backendCertId, '--json'])).json).serialNumber;
    expect((await run(['revoke', '--serial', serial])).code).toBe(0);
    expect(mock.store.get(bySerial.orderNumber)!.state).toBe('revoked');

    const byPerson = await enrolled();
    const r = await run(['revoke', '--person', byPerson.email, '--reason', 'left', '--json']);
    expect(r.json).toEqual({ revoked: 'person', email: byPerson.email });
    expect(mock.store.get(byPerson.orderNumber)!.state).toBe('revoked');
  });

  it('list: a page with its total, --count, --all, --person, and the filters', async () => {
    const a = await enrolled();
    const page = await run(['list', '--email', a.email]);
    // the subject as the list answers it: RFC 2253 order, so the SBR subject's last RDN (emailAddress) comes first
    const subject = `emailAddress=${a.email},CN=`.replace(/[.]/g, '\\.');
    expect(page.stdout).toMatch(
      new RegExp(`^${a.backendCertId} +issued +([0-9A-F]{2}:)+[0-9A-F]{2} +\\d{4}-\\d{2}-\\d{2}  ${subject}`),
    );
    expect(page.stderr).toBe('1 certificate of 1\n');
    const count = Number((await run(['list', '--count'])).stdout);
    expect(count).toBeGreaterThan(5);
    const all = shaped(
      z.object({ items: z.array(z.object({ backendCertId: z.string() })) }),
      (await run(['list', '--all', '--json'])).json,
    );
    expect(all.items).toHaveLength(count);
    const paged = shaped(
      z.object({ total: z.number(), items: z.array(z.unknown()) }),
      (await run(['list', '--size', '2', '--position', '1', '--json'])).json,
    );
    expect(paged).toMatchObject({ total: count });
    expect(paged.items).toHaveLength(2);
    expect((await run(['list', '--person', a.email])).stdout).toMatch(new RegExp(`^${a.backendCertId} `));
    expect((await run(['list', '--state', 'revoked', '--count'])).stdout).not.toBe('0\n');
  });

  it('renew: a new order for the same key, collected with --wait', async () => {
    const a = await enrolled();
    const r = await run(['renew', a.backendCertId, '--wait', '--poll-interval', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const renewed = shaped(
      z.object({ backendCertId: z.string(), renewedBackendCertId: z.string(), serialNumber: z.string() }),
      r.json,
    );
    expect(renewed.renewedBackendCertId).toBe(a.backendCertId);
    expect(renewed.backendCertId).not.toBe(a.backendCertId);
  });
});

describe('errors and exit codes over REST', () => {
  it('refused credentials exit 3 with the catalog name and a hint; a refused enroll names its hint', async () => {
    const r = await run(['types'], { CCM_PASSWORD: 'wrong' });
    expect(r.code).toBe(EXIT.CCM_STATUS);
    expect(r.stderr).toBe(
      'ccm: smime.listTypes answered -16 (HTTP 401): Unknown user\n  hint: check --login, --password and --customer-uri (CCM_LOGIN, CCM_PASSWORD, CCM_CUSTOMER_URI)\n',
    );
    const term = await run(['enroll', '--csr', CSR, '--email', email(), '--cert-type', '101', '--term', '999']);
    expect(term.code).toBe(EXIT.CCM_STATUS);
    expect(term.stderr).toMatch(/smime\.enroll answered -36 .*\n {2}hint: check --term \(CCM_TERM\)/);
    const profile = await run(['enroll', '--csr', CSR, '--email', email(), '--cert-type', 'No Such Profile']);
    expect(profile.code).toBe(EXIT.USAGE);
    expect(profile.stderr).toMatch(
      /--cert-type No Such Profile: no profile of organization 1001 has that id or name; it has 101 \(ccm-mock S\/MIME Standard\), 102/,
    );
  });

  it('nothing listening exits 5; --wait past --timeout exits 6 with the backendCertId to resume with', async () => {
    const gone = await run(['types', '--json'], { CCM_URL: await closedPortUrl() });
    expect(gone.code).toBe(EXIT.TRANSPORT);
    expect(gone.json).toMatchObject({ error: { type: 'transport', kind: 'network', operation: 'smime.listTypes' } });
    const { backendCertId } = await enrolled('pending50');
    const r = await run(['collect', backendCertId, '--wait', '--timeout', '0', '--json']);
    expect(r.code).toBe(EXIT.NOT_READY);
    expect(r.json).toMatchObject({ error: { type: 'wait-timeout', backendCertId, polls: 1, lastCode: -183 } });
  });

  it('Ctrl-C during --wait exits 130 and says how to resume over REST', async () => {
    const { backendCertId } = await enrolled('pending1000');
    const controller = new AbortController();
    // Ctrl-C right after the first poll is answered, during the pause before the next
    const interrupting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (typeof input === 'string' && input.includes('/collect/')) controller.abort(new Error('interrupted'));
      return res;
    };
    const r = await ccm(['collect', backendCertId, '--wait', '--poll-interval', '60s'], env, {
      cwd,
      signal: controller.signal,
      fetch: interrupting,
    });
    expect(r.code).toBe(EXIT.INTERRUPTED);
    expect(r.stderr).toContain(`resume with: ccm collect ${backendCertId} --api rest --wait`);
  });
});

describe('conformance --api rest', () => {
  it('--list --api rest names the REST checks only', async () => {
    const r = await ccm(['conformance', '--list', '--api', 'rest', '--json']);
    const listed = shaped(
      z.object({ checks: z.array(z.object({ name: z.string(), api: z.string() })) }),
      r.json,
    ).checks;
    expect(listed.length).toBeGreaterThanOrEqual(20);
    expect(listed.every((c) => c.api === 'rest' && c.name.startsWith('rest-'))).toBe(true);
  });

  it('runs the read-only REST checks by default, against the base URL, and writes the reports', async () => {
    const r = await run(['conformance', '--endpoint', `${mock.url}/api`, '--json-report', 'rest.json', '--quiet']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/ {2}REST API, run \w+\n/);
    expect(r.stdout).toMatch(/PASS {4}rest-error-bodies/);
    expect(r.stdout).toMatch(/SKIP {4}rest-enroll-collect .* needs --allow-issue/);
    const report = readJsonFile<ConformanceReport>(join(cwd, 'rest.json'));
    expect(report).toMatchObject({ api: 'rest', endpoint: `${mock.url}/api`, created: [], ok: true });
  });

  it('with --allow-issue --allow-revoke, issues and cleans up over REST; a SOAP check name is a usage error', async () => {
    const r = await run([
      'conformance',
      '--allow-issue',
      '--allow-revoke',
      '--only',
      'rest-enroll-collect,rest-revoke-by-order',
      '--csr',
      CSR,
      '--poll-interval',
      '0',
      '--json',
    ]);
    expect(r.code, r.stdout).toBe(0);
    const report = r.json as ConformanceReport;
    expect(report.created.map((o) => [o.check, o.revoked])).toEqual([
      ['rest-enroll-collect', true],
      ['rest-revoke-by-order', true],
    ]);
    const soapCheck = await run(['conformance', '--only', 'wsdl-drift']);
    expect(soapCheck.code).toBe(EXIT.USAGE);
    expect(soapCheck.stderr).toMatch(/wsdl-drift is a check of the SOAP API \(--api soap\)/);
  });
});

it("the REST-only commands' help says so; ccm --help names --api", async () => {
  const restOnly = COMMANDS.filter((c) => c.api?.only && c.api.default === 'rest');
  expect(restOnly.map((c) => c.name)).toEqual(['types', 'custom-fields', 'organizations', 'list', 'renew']);
  for (const c of restOnly) expect((await ccm([c.name, '--help'])).stdout).toMatch(/^Usage: .*\n\nREST: /);
  expect((await ccm(['--help'])).stdout).toMatch(/with\n--api rest \(CCM_API=rest\) the REST API/);
});
