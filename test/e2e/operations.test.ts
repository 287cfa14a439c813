import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { certificatesOf } from '../support/certs.js';
import { readCsr } from '../support/fixtures.js';
import { certText, verifySmime } from '../support/openssl.js';
import { authXml, call, enrollXml, orderXml, SANDBOX, xmlEl, type SoapAnswer } from '../support/soap.js';

/** The happy path of all nine operations over real HTTP and raw SOAP XML; every answer schema-checked. */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer();
});
afterAll(() => mock.close());

function ok(answer: SoapAnswer): SoapAnswer {
  expect(answer.schemaProblems).toEqual([]);
  expect(answer.status).toBe(200);
  expect(answer.contentType).toBe('text/xml;charset=utf-8');
  expect(
    answer.text.startsWith(
      "<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S=\"http://schemas.xmlsoap.org/soap/envelope/\"><S:Body><ns2:",
    ),
  ).toBe(true);
  return answer;
}

async function enrollOne(email = 'alice@example.com', extra: Parameters<typeof enrollXml>[0] = {}): Promise<number> {
  const answer = ok(await call(mock.endpoint, 'enroll', enrollXml({ email, csr: readCsr(), ...extra })));
  expect(answer.code).toBeGreaterThan(0);
  return answer.code;
}

describe('the nine operations, happy path', () => {
  it('getWebServiceInfo answers a name/version string', async () => {
    const answer = ok(await call(mock.endpoint, 'getWebServiceInfo'));
    expect(answer.returns[0]).toMatch(/ccm-mock/);
    expect(answer.text).toContain('<ns2:getWebServiceInfoResponse xmlns:ns2="http://ws.epki.comodo.com/"><return>');
  });

  it('enroll -> getCollectStatus -> collect issues a certificate openssl verifies for S/MIME', async () => {
    const orderNumber = await enrollOne();
    expect(ok(await call(mock.endpoint, 'getCollectStatus', orderXml(orderNumber))).code).toBe(1);
    const collected = ok(await call(mock.endpoint, 'collect', orderXml(orderNumber)));
    expect(collected.fields.statusCode).toBe('1');
    const [leaf, intermediate, root] = certificatesOf(collected.fields.certificate);
    expect(verifySmime(leaf, root, intermediate)).toMatch(/OK/);
    expect(root).toBe(mock.ca.root.pem);
    // the intermediate naming the URL the client used, its CRL and caIssuers URLs under it
    expect(intermediate).toBe(mock.ca.issuingFor(mock.url).pem);
    expect(new X509Certificate(intermediate).infoAccess).toBe(`CA Issuers - URI:${mock.url}/ca/root.cer`);

    const x509 = new X509Certificate(leaf);
    expect(x509.checkEmail('alice@example.com')).toBe('alice@example.com');
    // the subject is made from validated data (each type's in test/ca/smime-profile.test.ts); the CSR's own
    // (C=US, ST, O=Example Inc, OU, CN=Test User) has no part in it
    expect(x509.subject).toContain('CN=Alice Example');
    expect(x509.subject).toContain('O=Sandbox Org');
    expect(x509.subject).not.toMatch(/Example Inc|Test User|California/);
    expect(BigInt('0x' + x509.serialNumber) >= 2n ** 64n).toBe(true);
    // valid for exactly 365 days: notAfter is the last second of the term (RFC 5280 counts it in)
    const seconds = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / 1000 + 1;
    expect(seconds).toBe(365 * 86_400);

    const text = certText(leaf);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/Extended Key Usage:\s+E-mail Protection, TLS Web Client Authentication/);
    // sponsor-validated, multipurpose (clientAuth beside emailProtection), and the test CA's own policy
    expect(text).toMatch(
      new RegExp(
        `Certificate Policies:\\s+Policy: 2\\.23\\.140\\.1\\.5\\.3\\.2\\s+Policy: 1\\.3\\.6\\.1\\.4\\.1\\.32473\\.1\\.1\\s+CPS: ${mock.url}/cps`,
      ),
    );
    expect(text).toMatch(/Subject Key Identifier/);
    expect(text).toMatch(/Authority Key Identifier/);
    expect(text).toContain(`URI:${mock.url}/crl/intermediate.crl`);
    expect(text).toContain(`OCSP - URI:${mock.url}/ocsp`);
    expect(text).toContain(`CA Issuers - URI:${mock.url}/ca/intermediate.cer`);
  });

  it('enrollUsingKUTemplates issues a certificate carrying the template KU/EKU', async () => {
    const answer = ok(
      await call(
        mock.endpoint,
        'enrollUsingKUTemplates',
        enrollXml({ email: 'signer@example.com', csr: readCsr(), templates: ['smime-signing'] }),
      ),
    );
    expect(answer.code).toBeGreaterThan(0);
    const collected = ok(await call(mock.endpoint, 'collect', orderXml(answer.code)));
    const [leaf, intermediate, root] = certificatesOf(collected.fields.certificate);
    const text = certText(leaf);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(text).toMatch(/Extended Key Usage:\s+E-mail Protection\n/);
    expect(verifySmime(leaf, root, intermediate)).toMatch(/OK/);
  });

  it('enrollUsingKUTemplates with no kuTemplate at all: the guide makes none required (a JAX-WS List, minOccurs 0), so the certificate gets what enroll gives', async () => {
    const viaTemplates = ok(
      await call(
        mock.endpoint,
        'enrollUsingKUTemplates',
        enrollXml({ email: 'no-template@example.com', csr: readCsr() }),
      ),
    );
    expect(viaTemplates.code).toBeGreaterThan(0);
    const usages = (orderNumber: number) => {
      const [leaf] = certificatesOf(mock.service.collect({ authData: SANDBOX, orderNumber }).certificate!);
      return certText(leaf)
        .match(/Key Usage: critical\s+(.*)\n[\s\S]*Extended Key Usage:\s+(.*)\n[\s\S]*?Policy: (\S+)/)!
        .slice(1);
    };
    expect(usages(viaTemplates.code)).toEqual(usages(await enrollOne('plain-enroll@example.com')));
    expect(usages(viaTemplates.code)).toEqual([
      'Digital Signature, Key Encipherment',
      'E-mail Protection, TLS Web Client Authentication',
      '2.23.140.1.5.3.2',
    ]);
  });

  it('getKUTemplates lists the account templates as repeated <return> elements', async () => {
    const answer = ok(await call(mock.endpoint, 'getKUTemplates', authXml()));
    const names = answer.returnElements.map((t) => t.shortName);
    expect(names).toContain('smime-standard');
    expect(names).not.toContain('legacy-smime'); // retired
    const standard = answer.returnElements.find((t) => t.shortName === 'smime-standard')!;
    expect(standard.keyUsages).toEqual([
      { code: '0', name: 'Digital Signature' },
      { code: '2', name: 'Key Encipherment' },
    ]);
    expect(standard.extKeyUsages).toEqual([
      { code: '1.3.6.1.5.5.7.3.4', name: 'Secure Email' },
      { code: '1.3.6.1.5.5.7.3.2', name: 'Client Authentication' },
    ]);
  });

  it('revoke marks the order revoked; collect then answers -21', async () => {
    const orderNumber = await enrollOne('revoke-me@example.com');
    expect(
      ok(await call(mock.endpoint, 'revoke', orderXml(orderNumber, SANDBOX, xmlEl('reason', 'key compromise')))).code,
    ).toBe(0);
    expect(ok(await call(mock.endpoint, 'collect', orderXml(orderNumber))).code).toBe(-21);
    expect(mock.store.get(orderNumber)?.state).toBe('revoked');
    expect(mock.store.get(orderNumber)?.revocation?.reasonCode).toBe(1);
  });

  it('revokeBySerialNumber takes the serial in hex, case-insensitively', async () => {
    const orderNumber = await enrollOne('by-serial@example.com');
    const serial = mock.store.get(orderNumber)!.certificate!.serial;
    const answer = ok(
      await call(
        mock.endpoint,
        'revokeBySerialNumber',
        authXml() + xmlEl('serialNumber', serial.toUpperCase()) + xmlEl('reason', ''),
      ),
    );
    expect(answer.code).toBe(0);
    expect(mock.store.get(orderNumber)?.state).toBe('revoked');
  });

  it('revokeAllByPerson revokes every valid certificate of the person', async () => {
    const first = await enrollOne('carol@example.com');
    const second = await enrollOne('carol@example.com');
    const other = await enrollOne('dave@example.com');
    const answer = ok(
      await call(
        mock.endpoint,
        'revokeAllByPerson',
        authXml() + xmlEl('email', 'carol@example.com') + xmlEl('org', 'Sandbox Org') + xmlEl('dep', 'Engineering'),
      ),
    );
    expect(answer.code).toBe(0);
    expect(mock.store.get(first)?.state).toBe('revoked');
    expect(mock.store.get(second)?.state).toBe('revoked');
    expect(mock.store.get(other)?.state).toBe('issued');
  });
});

describe('the test CA over HTTP', () => {
  it('serves root, intermediate and chain PEMs that openssl accepts', async () => {
    const root = await (await fetch(mock.url + '/ca/root.pem')).text();
    const intermediate = await (await fetch(mock.url + '/ca/intermediate.pem')).text();
    const chain = await (await fetch(mock.url + '/ca/chain.pem')).text();
    expect(chain).toBe(intermediate + root);
    expect(new X509Certificate(root).subject).toContain('NOT FOR PRODUCTION');
    expect(new X509Certificate(intermediate).subject).toContain('NOT FOR PRODUCTION');
    expect(new X509Certificate(intermediate).verify(new X509Certificate(root).publicKey)).toBe(true);
    expect(new X509Certificate(root).publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});
