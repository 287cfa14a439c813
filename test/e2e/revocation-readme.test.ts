import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestCa, type TestCa } from '../../server/ca/test-ca.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { openssl } from '../support/openssl.js';
import { forwardingProxy } from '../support/proxy.js';
import { docsPath } from '../support/readme-tables.js';
import { enrollLeaf, freePort, run, type EnrolledLeaf } from '../support/revocation.js';
import { call, orderXml, SANDBOX, xmlEl } from '../support/soap.js';

/**
 * The "Revocation: CRL and OCSP" commands of docs/ca.md, run as written (bash, curl, openssl), against mocks
 * reached at a URL other than the one their CA was made for (`ccm-mock serve` makes it for localhost:8080):
 * a mock on another port, one with a public URL set later, one behind a proxy. Every URL a certificate
 * names, the intermediate's too, must lead back to the mock the client talks to.
 */

const MARKER = '<!-- test/e2e/revocation-readme.test.ts runs this block as written -->';

function readmeBlocks(): string[] {
  const text = readFileSync(docsPath('ca.md'), 'utf8');
  return text
    .split(MARKER)
    .slice(1)
    .map((rest) => {
      const m = /^\s*```sh\n([\s\S]*?)\n```/.exec(rest);
      if (!m) throw new Error('a marked block of docs/ca.md is not a ```sh fence');
      return m[1];
    });
}

interface Setup {
  mock: MockServer;
  /** the URL clients use: $MOCK in the page */
  base: string;
  close(): Promise<void>;
}

/** as `ccm-mock serve` makes its CA on a first start without a public URL */
let ca: TestCa;
beforeAll(async () => {
  ca = await generateTestCa({ baseUrl: 'http://localhost:8080' });
});

const setups: Array<[string, () => Promise<Setup>]> = [
  [
    'a mock on another port',
    async () => {
      const mock = await createMockServer({ ca });
      return { mock, base: mock.url, close: () => mock.close() };
    },
  ],
  [
    'a public URL set after the CA was made',
    async () => {
      // localhost, not 127.0.0.1: another name than the one requests arrive by
      const port = await freePort();
      const mock = await createMockServer({ ca, port, publicBaseUrl: `http://localhost:${port}` });
      return { mock, base: `http://localhost:${port}`, close: () => mock.close() };
    },
  ],
  [
    'a proxy setting X-Forwarded-Host (trustProxy)',
    async () => {
      const mock = await createMockServer({ ca, trustProxy: true });
      const proxy = await forwardingProxy(mock.url);
      return { mock, base: proxy.url, close: async () => (await proxy.close(), await mock.close()) };
    },
  ],
];

it('docs/ca.md has the two blocks the section promises', () => {
  expect(readmeBlocks()).toHaveLength(2);
});

describe.each(setups)('docs/ca.md: revocation commands, %s', (_name, start) => {
  let setup: Setup;
  let alice: EnrolledLeaf;
  beforeAll(async () => {
    setup = await start();
    alice = await enrollLeaf(setup.base + '/ws/EPKIManager', { email: 'alice@example.com' });
    copyFileSync(join(alice.dir, 'leaf.pem'), join(alice.dir, 'alice.pem'));
  });
  afterAll(() => setup.close());

  const runBlock = (script: string) =>
    run('bash', ['-c', script], { cwd: alice.dir, env: { ...process.env, MOCK: setup.base } });
  const urlsOf = (file: string) =>
    openssl(['x509', '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess', '-in', join(alice.dir, file)]);

  it('CRL and OCSP checks print OK / good before a revoke and revoked after it', async () => {
    const [checks] = readmeBlocks();
    const before = await runBlock(checks);
    expect(before.output.match(/^alice\.pem: OK$/gm)).toHaveLength(2);
    expect(before.stdout).toMatch(/^alice\.pem: good$/m);
    expect(before.stderr).toContain('Response verify OK');
    // the intermediate downloaded names this URL, not the one the CA was made for
    expect(urlsOf('int.pem')).toContain(`URI:${setup.base}/crl/root.crl`);
    expect(urlsOf('int.pem')).toContain(`CA Issuers - URI:${setup.base}/ca/root.cer`);

    const revoked = await call(
      setup.base + '/ws/EPKIManager',
      'revoke',
      orderXml(alice.orderNumber, SANDBOX, xmlEl('reason', 'key compromise')),
    );
    expect(revoked.code).toBe(0);

    const after = await runBlock(checks);
    expect(after.output.match(/^error 23 at 0 depth lookup: certificate revoked$/gm)).toHaveLength(2);
    expect(after.output).not.toMatch(/^alice\.pem: OK$/m);
    expect(after.stdout).toMatch(/^alice\.pem: revoked\n(\t.*\n)*\tReason: keyCompromise\n\tRevocation Time: /m);
  });

  it('the chain is built from the leaf alone through AIA caIssuers', async () => {
    const [, chain] = readmeBlocks();
    const result = await runBlock(chain);
    expect(result.stdout).toBe('alice.pem: OK\n');
    const variant = setup.mock.ca.issuingFor(setup.base);
    expect(variant.pem).not.toBe(ca.issuing.pem);
    expect(readFileSync(join(alice.dir, 'int.pem'), 'utf8')).toBe(variant.pem);
    expect(readFileSync(join(alice.dir, 'root.pem'), 'utf8')).toBe(ca.root.pem);
    // and collect's bundle carries the same intermediate
    expect(alice.intermediate).toBe(variant.pem);
  });
});
