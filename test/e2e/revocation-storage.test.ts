import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPem } from '../../server/ca/certificate.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { openssl, tempDir } from '../support/openssl.js';
import { enrollLeaf, run } from '../support/revocation.js';
import { call, orderXml } from '../support/soap.js';

/** Where revocation state lives: the data directory's CA folder, or nowhere for a CA configured from files. 1024-bit keys: key generation dominates these tests. */

const crlNumber = async (base: string) => {
  const der = Buffer.from(await (await fetch(`${base}/crl/intermediate.crl`)).arrayBuffer());
  return Number(/X509v3 CRL Number: \n\s+(\d+)/.exec(openssl(['crl', '-inform', 'DER', '-noout', '-text'], der))![1]);
};

/** The responder certificate an OCSP answer carries, PEM. */
async function responderOf(base: string, dir: string): Promise<string> {
  const r = await run(
    'openssl',
    ['ocsp', '-issuer', 'int.pem', '-serial', '0x01', '-url', `${base}/ocsp`, '-CAfile', 'root.pem', '-resp_text'],
    { cwd: dir },
  );
  expect(r.stderr).toContain('Response verify OK');
  return /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(r.stdout)![0];
}

describe('with a data directory', () => {
  const dataDir = tempDir();

  it('keeps CRL numbers growing and the OCSP responder across restarts', async () => {
    const first = await createMockServer({ dataDir, caKeyBits: 1024 });
    const leaf = await enrollLeaf(first.endpoint, { email: 'restart@example.com' });
    const n0 = await crlNumber(first.url);
    await call(first.endpoint, 'revoke', orderXml(leaf.orderNumber));
    const n1 = await crlNumber(first.url);
    expect(n1).toBeGreaterThan(n0);
    const responder = await responderOf(first.url, leaf.dir);
    await first.close();

    const files = join(dataDir, 'ca');
    expect(readFileSync(join(files, 'ocsp.pem'), 'utf8')).toBe(responder);
    expect(existsSync(join(files, 'ocsp.key'))).toBe(true);
    const numbers = JSON.parse(readFileSync(join(files, 'crl-numbers.json'), 'utf8')) as Record<string, string>;
    expect(numbers['intermediate:' + first.ca.issuing.keyId.toString('hex')]).toBe(String(n1));

    const second = await createMockServer({ dataDir, caKeyBits: 1024 });
    try {
      expect(second.ca.issuing.pem).toBe(first.ca.issuing.pem);
      expect(await crlNumber(second.url)).toBeGreaterThan(n1);
      expect(await responderOf(second.url, leaf.dir)).toBe(responder);

      // the revoked leaf is still revoked: OCSP says so and the CRL lists its serial
      const ocsp = await run(
        'openssl',
        ['ocsp', '-issuer', 'int.pem', '-cert', 'leaf.pem', '-url', `${second.url}/ocsp`, '-CAfile', 'root.pem'],
        { cwd: leaf.dir },
      );
      expect(ocsp.stderr).toContain('Response verify OK');
      expect(ocsp.stdout).toMatch(/^leaf\.pem: revoked$/m);
      const serial = openssl(['x509', '-noout', '-serial', '-in', join(leaf.dir, 'leaf.pem')])
        .trim()
        .replace('serial=', '');
      const crl = Buffer.from(await (await fetch(`${second.url}/crl/intermediate.crl`)).arrayBuffer());
      expect(openssl(['crl', '-inform', 'DER', '-noout', '-text'], crl)).toContain(`Serial Number: ${serial}\n`);
      writeFileSync(join(leaf.dir, 'int-crl.der'), crl);
      const verified = await run(
        'openssl',
        ['verify', '-crl_check', '-CAfile', 'root.pem', '-untrusted', 'int.pem', '-CRLfile', 'int-crl.der', 'leaf.pem'],
        { cwd: leaf.dir },
      );
      expect(verified.output).toMatch(/^error 23 at 0 depth lookup: certificate revoked$/m);
    } finally {
      await second.close();
    }
  });

  it('replaces a kept responder that belongs to another CA', async () => {
    const files = join(dataDir, 'ca');
    const old = readFileSync(join(files, 'ocsp.pem'), 'utf8');
    for (const f of ['root.pem', 'root.key', 'intermediate.pem', 'intermediate.key']) rmSync(join(files, f));
    const mock = await createMockServer({ dataDir, caKeyBits: 1024 });
    try {
      const leaf = await enrollLeaf(mock.endpoint, { email: 'new-ca@example.com' });
      const responder = await responderOf(mock.url, leaf.dir);
      expect(responder).not.toBe(old);
      expect(readFileSync(join(files, 'ocsp.pem'), 'utf8')).toBe(responder);
      writeFileSync(join(leaf.dir, 'responder.pem'), responder);
      const verified = await run(
        'openssl',
        ['verify', '-purpose', 'ocsphelper', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'responder.pem'],
        { cwd: leaf.dir },
      );
      expect(verified.output).toBe('responder.pem: OK\n');
      // a new CA key, a new numbering scope
      expect(await crlNumber(mock.url)).toBe(1);
    } finally {
      await mock.close();
    }
  });
});

describe('a CA configured from files, root key left out', () => {
  let source: MockServer;
  let mock: MockServer;
  const dir = tempDir();
  beforeAll(async () => {
    source = await createMockServer({ caKeyBits: 1024 });
    writeFileSync(join(dir, 'root.pem'), source.ca.root.pem);
    writeFileSync(join(dir, 'intermediate.pem'), source.ca.issuing.pem);
    writeFileSync(join(dir, 'intermediate.key'), source.ca.issuing.key.export({ type: 'pkcs8', format: 'pem' }));
    mock = await createMockServer({
      caRootCertFile: join(dir, 'root.pem'),
      caCertFile: join(dir, 'intermediate.pem'),
      caKeyFile: join(dir, 'intermediate.key'),
    });
  });
  afterAll(async () => {
    await mock.close();
    await source.close();
  });

  it('serves the configured root and intermediate as they are in the files, and issues from them', async () => {
    const rootFile = readFileSync(join(dir, 'root.pem'), 'utf8');
    const intermediateFile = readFileSync(join(dir, 'intermediate.pem'), 'utf8');
    const served = async (path: string) => (await fetch(mock.url + path)).text();
    expect(await served('/ca/root.pem')).toBe(rootFile);
    expect(await served('/ca/intermediate.pem')).toBe(intermediateFile);
    expect(await served('/ca/chain.pem')).toBe(intermediateFile + rootFile);
    const der = async (path: string) => Buffer.from(await (await fetch(mock.url + path)).arrayBuffer());
    expect(await der('/ca/root.cer')).toEqual(fromPem(rootFile, 'CERTIFICATE')[0]);
    expect(await der('/ca/intermediate.cer')).toEqual(fromPem(intermediateFile, 'CERTIFICATE')[0]);

    // the leaf chains to the configured files themselves, not only to what the collect answer carries
    const leaf = await enrollLeaf(mock.endpoint, { email: 'issued-by-files@example.com' });
    expect([leaf.intermediate, leaf.root]).toEqual([intermediateFile, rootFile]);
    const verified = await run(
      'openssl',
      [
        'verify',
        '-purpose',
        'smimesign',
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'intermediate.pem'),
        'leaf.pem',
      ],
      { cwd: leaf.dir },
    );
    expect(verified.output).toBe('leaf.pem: OK\n');
    const [leafCert, issuer] = [new X509Certificate(leaf.leaf), new X509Certificate(intermediateFile)];
    expect(leafCert.issuer).toBe(issuer.subject);
    expect(leafCert.checkIssued(issuer)).toBe(true);
    expect(leafCert.verify(issuer.publicKey)).toBe(true);
  });

  it('answers the root CRL with 404 and the reason, and serves the rest', async () => {
    const res = await fetch(`${mock.url}/crl/root.crl`);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/root CA was loaded without its private key.*CCM_MOCK_CA_ROOT_KEY/);
    expect((await fetch(`${mock.url}/crl/intermediate.crl`)).status).toBe(200);

    const leaf = await enrollLeaf(mock.endpoint, { email: 'configured@example.com' });
    const r = await run(
      'openssl',
      ['ocsp', '-issuer', 'int.pem', '-cert', 'leaf.pem', '-url', `${mock.url}/ocsp`, '-CAfile', 'root.pem'],
      { cwd: leaf.dir },
    );
    expect(r.stdout).toMatch(/^leaf\.pem: good$/m);
    expect(r.stderr).toContain('Response verify OK');
    // a responder made for this run, issued by the configured intermediate
    const responder = fromPem(await responderOf(mock.url, leaf.dir), 'CERTIFICATE')[0];
    expect(openssl(['x509', '-inform', 'DER', '-noout', '-issuer'], responder)).toContain(
      'ccm-mock TEST S/MIME Issuing CA',
    );
  });
});
