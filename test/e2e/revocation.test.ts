import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { adminClient } from '../support/admin.js';
import { openssl } from '../support/openssl.js';
import { enrollLeaf, run, type EnrolledLeaf } from '../support/revocation.js';
import { authXml, call, orderXml, SANDBOX, xmlEl } from '../support/soap.js';

/**
 * Revocation as a relying party sees it: the openssl command line fetching the CRL the mock serves and
 * asking its OCSP responder, before and after each way CCM revokes a certificate.
 */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer();
});
afterAll(() => mock.close());

interface OcspAnswer {
  status?: string;
  reason?: string;
  revocationTime?: string;
  verified: boolean;
  output: string;
}

/** `openssl ocsp` for leaf.pem, at the OCSP URL the certificate names. */
async function ocsp(leaf: EnrolledLeaf, extra: string[] = []): Promise<OcspAnswer> {
  const url = openssl(['x509', '-noout', '-ocsp_uri', '-in', join(leaf.dir, 'leaf.pem')]).trim();
  const r = await run(
    'openssl',
    ['ocsp', '-issuer', 'int.pem', '-cert', 'leaf.pem', '-url', url, '-CAfile', 'root.pem', ...extra],
    { cwd: leaf.dir },
  );
  return {
    status: /^leaf\.pem: (\w+)$/m.exec(r.stdout)?.[1],
    reason: /^\tReason: (\w+)$/m.exec(r.stdout)?.[1],
    revocationTime: /^\tRevocation Time: (.+)$/m.exec(r.stdout)?.[1],
    verified: r.stderr.includes('Response verify OK'),
    output: r.output,
  };
}

/** `openssl verify -crl_check` of leaf.pem with the issuing CA's CRL as the mock serves it now. */
async function crlCheck(leaf: EnrolledLeaf, base = mock.url): Promise<string> {
  const crl = await (await fetch(`${base}/crl/intermediate.crl?format=pem`)).text();
  writeFileSync(join(leaf.dir, 'int-crl.pem'), crl);
  const r = await run(
    'openssl',
    ['verify', '-crl_check', '-CAfile', 'root.pem', '-untrusted', 'int.pem', '-CRLfile', 'int-crl.pem', 'leaf.pem'],
    { cwd: leaf.dir },
  );
  return r.output;
}

const REVOKED = /error 23 at 0 depth lookup: certificate revoked/;

async function expectGood(leaf: EnrolledLeaf): Promise<void> {
  const answer = await ocsp(leaf);
  expect(answer.status, answer.output).toBe('good');
  expect(answer.verified, answer.output).toBe(true);
  expect(await crlCheck(leaf)).toBe('leaf.pem: OK\n');
}

async function expectRevoked(leaf: EnrolledLeaf, reason: string | undefined): Promise<void> {
  const answer = await ocsp(leaf);
  expect(answer.status, answer.output).toBe('revoked');
  expect(answer.verified, answer.output).toBe(true);
  expect(answer.reason).toBe(reason);
  expect(answer.revocationTime).toBeDefined();
  expect(await crlCheck(leaf)).toMatch(REVOKED);
}

const serialOf = (leaf: EnrolledLeaf) => new X509Certificate(leaf.leaf).serialNumber;

async function crlText(query = '', base = mock.url): Promise<string> {
  const res = await fetch(`${base}/crl/intermediate.crl${query}`);
  return openssl(['crl', '-inform', 'DER', '-noout', '-text'], Buffer.from(await res.arrayBuffer()));
}
const crlNumber = (text: string) => Number(/X509v3 CRL Number: \n\s+(\d+)/.exec(text)?.[1]);

describe('OCSP and CRL show every way of revoking', () => {
  it('revoke: good before, revoked (keyCompromise) after', async () => {
    const leaf = await enrollLeaf(mock.endpoint, { email: 'ocsp-revoke@example.com' });
    await expectGood(leaf);
    expect(
      (await call(mock.endpoint, 'revoke', orderXml(leaf.orderNumber, SANDBOX, xmlEl('reason', 'Key compromise'))))
        .code,
    ).toBe(0);
    await expectRevoked(leaf, 'keyCompromise');
  });

  it('revokeBySerialNumber: good before, revoked (affiliationChanged) after', async () => {
    const leaf = await enrollLeaf(mock.endpoint, { email: 'ocsp-serial@example.com' });
    await expectGood(leaf);
    const answer = await call(
      mock.endpoint,
      'revokeBySerialNumber',
      authXml() + xmlEl('serialNumber', serialOf(leaf)) + xmlEl('reason', 'left the company'),
    );
    expect(answer.code).toBe(0);
    await expectRevoked(leaf, 'affiliationChanged');
  });

  it('revokeAllByPerson: every certificate of the person turns revoked (no reason given, none stated)', async () => {
    const first = await enrollLeaf(mock.endpoint, { email: 'carol@example.com' });
    const second = await enrollLeaf(mock.endpoint, { email: 'carol@example.com' });
    const other = await enrollLeaf(mock.endpoint, { email: 'dave@example.com' });
    for (const leaf of [first, second, other]) await expectGood(leaf);
    const answer = await call(
      mock.endpoint,
      'revokeAllByPerson',
      authXml() + xmlEl('email', 'carol@example.com') + xmlEl('org', 'Sandbox Org') + xmlEl('dep', 'Engineering'),
    );
    expect(answer.code).toBe(0);
    await expectRevoked(first, undefined);
    await expectRevoked(second, undefined);
    await expectGood(other);
  });

  it('auto-revoke: a second enrollment in org 1002 revokes the first certificate (superseded)', async () => {
    const second = { auth: SANDBOX, orgId: 1002, secretKey: 'second-secret', email: 'erin@example.org' };
    const first = await enrollLeaf(mock.endpoint, second);
    await expectGood(first);
    const replacement = await enrollLeaf(mock.endpoint, second);
    await expectRevoked(first, 'superseded');
    await expectGood(replacement);
  });
});

describe('revocations through the admin API', () => {
  let own: MockServer;
  beforeAll(async () => {
    own = await createMockServer({ ca: mock.ca });
  });
  afterAll(() => own.close());

  it('an admin revoke shows at once; a reset takes the revocations off the CRL again', async () => {
    const admin = adminClient(own.url);
    const leaf = await enrollLeaf(own.endpoint, { email: 'admin-revoke@example.com' });
    const url = `${own.url}/ocsp`;
    const status = async () =>
      (
        await run('openssl', ['ocsp', '-issuer', 'int.pem', '-cert', 'leaf.pem', '-url', url, '-CAfile', 'root.pem'], {
          cwd: leaf.dir,
        })
      ).stdout;
    expect(await status()).toMatch(/^leaf\.pem: good$/m);
    expect(
      (await admin('POST', `/admin/api/orders/${leaf.orderNumber}/revoke`, { reason: 'cessation of operation' }))
        .status,
    ).toBe(200);
    expect(await status()).toMatch(/^leaf\.pem: revoked\n(\t.*\n)*\tReason: cessationOfOperation$/m);
    const revokedCrl = await crlText('', own.url);
    expect(revokedCrl).toContain(`Serial Number: ${serialOf(leaf)}`);

    expect((await admin('POST', '/admin/api/reset', { customer: 'sandbox' })).status).toBe(200);
    const resetCrl = await crlText('', own.url);
    expect(resetCrl).toContain('No Revoked Certificates.');
    expect(crlNumber(resetCrl)).toBeGreaterThan(crlNumber(revokedCrl));
    expect(await status()).toMatch(/^leaf\.pem: unknown$/m); // the mock no longer knows the order
  });
});

describe('the CRL', () => {
  it('is DER by default, PEM with ?format=pem or Accept: application/x-pem-file', async () => {
    const derRes = await fetch(`${mock.url}/crl/intermediate.crl`);
    expect(derRes.status).toBe(200);
    expect(derRes.headers.get('content-type')).toBe('application/pkix-crl');
    expect(derRes.headers.get('cache-control')).toBe('no-cache');
    const der = Buffer.from(await derRes.arrayBuffer());
    expect(der[0]).toBe(0x30);

    const byQuery = await fetch(`${mock.url}/crl/intermediate.crl?format=pem`);
    expect(byQuery.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
    const pem = await byQuery.text();
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----\n/);
    const byAccept = await (
      await fetch(`${mock.url}/crl/intermediate.crl`, { headers: { Accept: 'application/x-pem-file' } })
    ).text();
    expect(byAccept).toMatch(/^-----BEGIN X509 CRL-----\n/);
    // the same CRL in both encodings (nothing was revoked in between)
    expect(openssl(['crl', '-outform', 'DER'], pem).length).toBeGreaterThan(0);
    expect(openssl(['crl', '-inform', 'DER'], der)).toBe(pem);

    expect((await fetch(`${mock.url}/crl/intermediate.crl?format=xml`)).status).toBe(400);
  });

  it('is a v2 CRL of the issuing CA with its AKI, a CRL number and reason codes; openssl checks its signature', async () => {
    const leaf = await enrollLeaf(mock.endpoint, { email: 'crl-fields@example.com' });
    await call(
      mock.endpoint,
      'revoke',
      orderXml(leaf.orderNumber, SANDBOX, xmlEl('reason', 'superseded by a new key')),
    );
    const text = await crlText();
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toContain(
      'Issuer: C = XX, O = ccm-mock (test certificates only), CN = ccm-mock TEST S/MIME Issuing CA - NOT FOR PRODUCTION',
    );
    const ski = mock.ca.issuing.keyId.toString('hex').toUpperCase().match(/../g)!.join(':');
    expect(text).toMatch(new RegExp(`Authority Key Identifier: \\n\\s+(keyid:)?${ski}`));
    expect(crlNumber(text)).toBeGreaterThan(0);
    expect(text).toMatch(
      new RegExp(
        `Serial Number: ${serialOf(leaf)}\\n\\s+Revocation Date: .+\\n\\s+CRL entry extensions:\\n\\s+X509v3 CRL Reason Code: \\n\\s+Superseded`,
      ),
    );
    const pem = await (await fetch(`${mock.url}/crl/intermediate.crl?format=pem`)).text();
    writeFileSync(join(leaf.dir, 'int-crl.pem'), pem);
    expect(
      (await run('openssl', ['crl', '-in', 'int-crl.pem', '-CAfile', 'int.pem', '-noout'], { cwd: leaf.dir })).stderr,
    ).toContain('verify OK');
  });

  it('takes a new, higher number when a revocation changes it, and stays the same CRL otherwise', async () => {
    const before = crlNumber(await crlText());
    expect(crlNumber(await crlText())).toBe(before);
    const leaf = await enrollLeaf(mock.endpoint, { email: 'crl-number@example.com' });
    expect(crlNumber(await crlText())).toBe(before); // issuing does not change the CRL
    await call(mock.endpoint, 'revoke', orderXml(leaf.orderNumber));
    const after = crlNumber(await crlText());
    expect(after).toBeGreaterThan(before);
    expect(crlNumber(await crlText())).toBe(after);
  });

  it('has a root CRL covering the intermediate: -crl_check_all accepts a good chain', async () => {
    const leaf = await enrollLeaf(mock.endpoint, { email: 'crl-all@example.com' });
    const rootCrl = await (await fetch(`${mock.url}/crl/root.crl?format=pem`)).text();
    const text = openssl(['crl', '-noout', '-text'], rootCrl);
    expect(text).toContain('CN = ccm-mock TEST Root CA - NOT FOR PRODUCTION');
    expect(text).toContain('No Revoked Certificates.');
    writeFileSync(join(leaf.dir, 'root-crl.pem'), rootCrl);
    writeFileSync(
      join(leaf.dir, 'int-crl.pem'),
      await (await fetch(`${mock.url}/crl/intermediate.crl?format=pem`)).text(),
    );
    const r = await run(
      'openssl',
      [
        'verify',
        '-crl_check_all',
        '-CAfile',
        'root.pem',
        '-untrusted',
        'int.pem',
        '-CRLfile',
        'int-crl.pem',
        '-CRLfile',
        'root-crl.pem',
        'leaf.pem',
      ],
      { cwd: leaf.dir },
    );
    expect(r.output).toBe('leaf.pem: OK\n');
  });

  it("is what openssl downloads from the leaf's distribution point (-crl_download)", async () => {
    const leaf = await enrollLeaf(mock.endpoint, { email: 'crl-download@example.com' });
    const args = ['verify', '-crl_check', '-crl_download', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'leaf.pem'];
    expect((await run('openssl', args, { cwd: leaf.dir })).output).toBe('leaf.pem: OK\n');
    await call(mock.endpoint, 'revoke', orderXml(leaf.orderNumber));
    expect((await run('openssl', args, { cwd: leaf.dir })).output).toMatch(REVOKED);
  });
});

describe('the OCSP responder', () => {
  let leaf: EnrolledLeaf;
  beforeAll(async () => {
    leaf = await enrollLeaf(mock.endpoint, { email: 'ocsp-protocol@example.com' });
  });

  it('echoes the nonce, and answers SHA-256 CertIDs too', async () => {
    const answer = await ocsp(leaf, ['-resp_text']);
    expect(answer.status).toBe('good');
    expect(answer.output).toMatch(/Response Extensions:\n\s+OCSP Nonce: \n\s+0410[0-9A-F]{32}\n/);
    expect(answer.output).not.toContain('WARNING');
    expect(answer.verified).toBe(true);
    const sha256 = await run(
      'openssl',
      [
        'ocsp',
        '-sha256',
        '-issuer',
        'int.pem',
        '-cert',
        'leaf.pem',
        '-url',
        `${mock.url}/ocsp`,
        '-CAfile',
        'root.pem',
        '-resp_text',
      ],
      { cwd: leaf.dir },
    );
    expect(sha256.stdout).toContain('Hash Algorithm: sha256');
    expect(sha256.stdout).toMatch(/^leaf\.pem: good$/m);
    expect(sha256.stderr).toContain('Response verify OK');
  });

  it('is signed by a delegated responder certificate: EKU OCSPSigning, ocsp-nocheck, issued by the issuing CA', async () => {
    const answer = await ocsp(leaf, ['-resp_text']);
    const signer = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(answer.output)![0];
    const text = openssl(['x509', '-noout', '-text'], signer);
    expect(text).toContain(
      'Subject: O = ccm-mock (test certificates only), CN = ccm-mock TEST OCSP Responder - NOT FOR PRODUCTION',
    );
    expect(text).toContain(
      'Issuer: C = XX, O = ccm-mock (test certificates only), CN = ccm-mock TEST S/MIME Issuing CA - NOT FOR PRODUCTION',
    );
    expect(text).toMatch(/Extended Key Usage: \n\s+OCSP Signing/);
    expect(text).toMatch(/OCSP No Check: \n/);
    expect(text).toMatch(/Basic Constraints: critical\n\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\n\s+Digital Signature\n/);
    writeFileSync(join(leaf.dir, 'responder.pem'), signer);
    const verified = await run(
      'openssl',
      ['verify', '-purpose', 'ocsphelper', '-CAfile', 'root.pem', '-untrusted', 'int.pem', 'responder.pem'],
      { cwd: leaf.dir },
    );
    expect(verified.output).toBe('responder.pem: OK\n');
    expect(answer.output).toMatch(/Responder Id: [0-9A-F]{40}\n/); // byKey
  });

  it('answers GET with the base64 request in the path (URL-encoded, raw, or base64url)', async () => {
    await run('openssl', ['ocsp', '-issuer', 'int.pem', '-cert', 'leaf.pem', '-reqout', 'req.der', '-no_nonce'], {
      cwd: leaf.dir,
    });
    const b64 = readFileSync(join(leaf.dir, 'req.der')).toString('base64');
    const forms = [encodeURIComponent(b64), b64, Buffer.from(b64, 'base64').toString('base64url')];
    for (const form of forms) {
      const res = await fetch(`${mock.url}/ocsp/${form}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/ocsp-response');
      writeFileSync(join(leaf.dir, 'resp.der'), Buffer.from(await res.arrayBuffer()));
      const r = await run(
        'openssl',
        ['ocsp', '-respin', 'resp.der', '-issuer', 'int.pem', '-cert', 'leaf.pem', '-CAfile', 'root.pem', '-no_nonce'],
        { cwd: leaf.dir },
      );
      expect(r.stdout, form).toMatch(/^leaf\.pem: good$/m);
      expect(r.stderr).toContain('Response verify OK');
    }
  });

  it('answers unknown for a serial it never issued and for a CertID naming another issuer', async () => {
    const never = await run(
      'openssl',
      ['ocsp', '-issuer', 'int.pem', '-serial', '0x1234', '-url', `${mock.url}/ocsp`, '-CAfile', 'root.pem'],
      { cwd: leaf.dir },
    );
    expect(never.stdout).toMatch(/^0x1234: unknown$/m);
    expect(never.stderr).toContain('Response verify OK');
    // the leaf's serial, but hashed as if the root had issued it
    const otherIssuer = await run(
      'openssl',
      ['ocsp', '-issuer', 'root.pem', '-cert', 'leaf.pem', '-url', `${mock.url}/ocsp`, '-noverify'],
      { cwd: leaf.dir },
    );
    expect(otherIssuer.stdout).toMatch(/^leaf\.pem: unknown$/m);
  });

  it('answers malformedRequest to anything that is not an OCSP request, and keeps answering', async () => {
    await run('openssl', ['ocsp', '-issuer', 'int.pem', '-cert', 'leaf.pem', '-reqout', 'req.der'], { cwd: leaf.dir });
    const valid = readFileSync(join(leaf.dir, 'req.der'));
    const bodies: Buffer[] = [
      Buffer.from('garbage'),
      Buffer.alloc(0),
      valid.subarray(0, valid.length - 3),
      Buffer.concat([valid, Buffer.from([0])]),
      Buffer.from(leaf.leaf),
      Buffer.from(new X509Certificate(leaf.leaf).raw),
    ];
    const MALFORMED = '30030a0101';
    for (const body of bodies) {
      const res = await fetch(`${mock.url}/ocsp`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/ocsp-request' },
      });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).toString('hex')).toBe(MALFORMED);
    }
    for (const path of [
      '/ocsp',
      '/ocsp/',
      '/ocsp/%zz',
      '/ocsp/not*base64',
      '/ocsp/' + encodeURIComponent(Buffer.from('x').toString('base64')),
    ]) {
      const res = await fetch(mock.url + path);
      expect(Buffer.from(await res.arrayBuffer()).toString('hex'), path).toBe(MALFORMED);
    }
    writeFileSync(join(leaf.dir, 'bad.der'), Buffer.from(MALFORMED, 'hex'));
    expect((await run('openssl', ['ocsp', '-respin', 'bad.der'], { cwd: leaf.dir })).output).toContain(
      'Responder Error: malformedrequest (1)',
    );
    expect((await fetch(`${mock.url}/ocsp`, { method: 'PUT', body: valid })).status).toBe(405);
    expect((await ocsp(leaf)).status).toBe('good');
  });
});

describe('revocation follows the mock clock', () => {
  let clocked: MockServer;
  beforeAll(async () => {
    clocked = await createMockServer({ ca: mock.ca });
  });
  afterAll(() => clocked.close());

  it('CRL thisUpdate/nextUpdate and OCSP thisUpdate move with clock.advance; the CRL is re-signed when it ages', async () => {
    const leaf = await enrollLeaf(clocked.endpoint, { email: 'clock@example.com' });
    const before = await crlText('', clocked.url);
    clocked.clock.advance(2 * 24 * 3600 * 1000);
    const after = await crlText('', clocked.url);
    expect(crlNumber(after)).toBeGreaterThan(crlNumber(before));
    const lastUpdate = Date.parse(/Last Update: (.+)/.exec(after)![1]);
    const nextUpdate = Date.parse(/Next Update: (.+)/.exec(after)![1]);
    expect(lastUpdate).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);
    expect(nextUpdate - lastUpdate).toBe(24 * 3600 * 1000);

    // openssl verify at the mock's time accepts the leaf with that CRL, and sees the revocation
    const attime = String(Math.floor(clocked.clock.now() / 1000));
    writeFileSync(
      join(leaf.dir, 'int-crl.pem'),
      await (await fetch(`${clocked.url}/crl/intermediate.crl?format=pem`)).text(),
    );
    const verifyArgs = [
      'verify',
      '-attime',
      attime,
      '-crl_check',
      '-CAfile',
      'root.pem',
      '-untrusted',
      'int.pem',
      '-CRLfile',
      'int-crl.pem',
      'leaf.pem',
    ];
    expect((await run('openssl', verifyArgs, { cwd: leaf.dir })).output).toBe('leaf.pem: OK\n');

    await call(clocked.endpoint, 'revoke', orderXml(leaf.orderNumber, SANDBOX, xmlEl('reason', 'key compromise')));
    writeFileSync(
      join(leaf.dir, 'int-crl.pem'),
      await (await fetch(`${clocked.url}/crl/intermediate.crl?format=pem`)).text(),
    );
    expect((await run('openssl', verifyArgs, { cwd: leaf.dir })).output).toMatch(REVOKED);

    await run('openssl', ['ocsp', '-issuer', 'int.pem', '-cert', 'leaf.pem', '-reqout', 'req.der', '-no_nonce'], {
      cwd: leaf.dir,
    });
    const res = await fetch(`${clocked.url}/ocsp`, {
      method: 'POST',
      body: readFileSync(join(leaf.dir, 'req.der')),
      headers: { 'Content-Type': 'application/ocsp-request' },
    });
    writeFileSync(join(leaf.dir, 'resp.der'), Buffer.from(await res.arrayBuffer()));
    const text = (await run('openssl', ['ocsp', '-respin', 'resp.der', '-resp_text', '-noverify'], { cwd: leaf.dir }))
      .stdout;
    expect(Date.parse(/This Update: (.+)/.exec(text)![1])).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);
    expect(Date.parse(/Revocation Time: (.+)/.exec(text)![1])).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);
    expect(text).toContain('Revocation Reason: keyCompromise (0x1)');
  });
});
