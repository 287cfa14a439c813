import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { REST_BASE_PATH, REST_ENDPOINTS } from '../../wsdl/rest/index.js';
import { tempDir } from '../support/openssl.js';
import { docsPath } from '../support/readme-tables.js';
import { run } from '../support/revocation.js';

/**
 * docs/rest.md's curl walk-through, run as written with bash against a live mock (its address put in for
 * localhost:8080), and what each step prints checked: the flow a reader copies works.
 */

function flowBlock(): string {
  const text = readFileSync(docsPath('rest.md'), 'utf8');
  const block = /<!-- BEGIN: rest-flow[^>]*-->\n```sh\n([\s\S]*?)\n```\n<!-- END: rest-flow -->/.exec(text);
  if (!block) throw new Error('docs/rest.md has no rest-flow block');
  return block[1];
}

describe('docs/rest.md: the curl flow', () => {
  let mock: MockServer;
  let dir: string;
  beforeAll(async () => {
    mock = await createMockServer({ seed: 'rest-docs' });
    dir = tempDir();
  });
  afterAll(async () => {
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls only endpoints of the contract', () => {
    const paths = [...flowBlock().matchAll(/localhost:8080(\/api\/[^'"?\s]*)/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(10);
    const known = REST_ENDPOINTS.map((e) => new RegExp(`^${REST_BASE_PATH}${e.path.replace(/\{\w+\}/g, '[^/]+')}$`));
    for (const p of paths)
      expect(
        known.some((re) => re.test(p.replace(/\$\w+/g, '1'))),
        p,
      ).toBe(true);
  });

  it('runs as written, each step answering what the page says', async () => {
    const script = flowBlock().replaceAll('localhost:8080', mock.url.replace(/^http:\/\//, ''));
    const result = await run('bash', ['-e', '-c', script], { cwd: dir });
    expect(result.status, result.output).toBe(0);
    const out = result.stdout;
    expect(out).toContain('[{"id":101,"name":"ccm-mock S/MIME Standard"');
    expect(out).toContain('[{"id":11,"name":"employeeNumber","mandatory":false}');
    expect(out).toContain('{"id":1001,"name":"Sandbox Org","departments":[{"id":1001001');
    expect(out).toMatch(/\{"orderNumber":\d+,"backendCertId":"\d+"\}/);
    expect(out).toMatch(/subject=.*CN\s?=\s?Alice Example/);
    expect(readFileSync(join(dir, 'alice.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(out).toMatch(/X-Total-Count: 1\r\n/i);
    expect(out).toMatch(/"commonName":"Alice Example"/);
    expect(out).toMatch(/HTTP\/1\.1 201 Created\r\n[\s\S]*Location: http:\/\/[^\r]+\/api\/person\/v1\/\d+\r\n/);
    expect(out).toContain('{"personId":1}');
    // the two revocations print their status (after the JSON of the step before them, which ends without a newline)
    expect(out.match(/\}204\n/g)).toHaveLength(2);
    expect(out).toContain('{"code":-110,"description":"Certificate has been revoked and cannot be downloaded."}204\n');
    expect(out.trimEnd().endsWith('{"code":-16,"description":"Unknown user"}')).toBe(true);
    // the renewed certificate was revoked by email: both orders of alice are revoked now
    const orders = mock.store.list({ email: 'alice@example.com' });
    expect(orders.map((o) => o.state)).toEqual(['revoked', 'revoked']);
  });
});
