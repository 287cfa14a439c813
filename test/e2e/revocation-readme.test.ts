import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readmePath } from '../support/readme-tables.js';
import { enrollLeaf, freePort, run, type EnrolledLeaf } from '../support/revocation.js';
import { call, orderXml, SANDBOX, xmlEl } from '../support/soap.js';

/**
 * The README's "Revocation: CRL and OCSP" commands, run as written (bash, curl, openssl) against a mock
 * listening on a known port, so that every URL in the chain (the CA certificates' too) points at it.
 */

const MARKER = '<!-- test/e2e/revocation-readme.test.ts runs this block as written -->';

function readmeBlocks(): string[] {
  const text = readFileSync(readmePath, 'utf8');
  return text
    .split(MARKER)
    .slice(1)
    .map((rest) => {
      const m = /^\s*```sh\n([\s\S]*?)\n```/.exec(rest);
      if (!m) throw new Error('a marked README block is not a ```sh fence');
      return m[1];
    });
}

let mock: MockServer;
let alice: EnrolledLeaf;
beforeAll(async () => {
  mock = await createMockServer({ port: await freePort() });
  alice = await enrollLeaf(mock.endpoint, { email: 'alice@example.com' });
  copyFileSync(join(alice.dir, 'leaf.pem'), join(alice.dir, 'alice.pem'));
});
afterAll(() => mock.close());

function runBlock(script: string) {
  return run('bash', ['-c', script], { cwd: alice.dir, env: { ...process.env, MOCK: mock.url } });
}

describe('README: revocation commands', () => {
  it('has the two blocks the section promises', () => {
    expect(readmeBlocks()).toHaveLength(2);
  });

  it('CRL and OCSP checks print OK / good before a revoke and revoked after it', async () => {
    const [checks] = readmeBlocks();
    const before = await runBlock(checks);
    expect(before.output.match(/^alice\.pem: OK$/gm)).toHaveLength(2);
    expect(before.stdout).toMatch(/^alice\.pem: good$/m);
    expect(before.stderr).toContain('Response verify OK');

    const revoked = await call(mock.endpoint, 'revoke', orderXml(alice.orderNumber, SANDBOX, xmlEl('reason', 'key compromise')));
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
    expect(readFileSync(join(alice.dir, 'int.pem'), 'utf8')).toBe(mock.ca.issuing.pem);
    expect(readFileSync(join(alice.dir, 'root.pem'), 'utf8')).toBe(mock.ca.root.pem);
  });
});
