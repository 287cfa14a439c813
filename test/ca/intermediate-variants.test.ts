import { createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCertificate, ext } from '../../server/ca/certificate.js';
import { caCertificate } from '../../server/ca/ca-certificate.js';
import { parseCsr } from '../../server/ca/csr.js';
import { intermediateUrlExtensions, variantSerial } from '../../server/ca/intermediate-variants.js';
import { issueLeaf } from '../../server/ca/issuer.js';
import { OID } from '../../server/ca/oids.js';
import { caProfileWarning, generateTestCa, loadTestCa, obtainTestCa, type TestCa } from '../../server/ca/test-ca.js';
import { createMockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { openssl, tempDir, verifySmime } from '../support/openssl.js';
import { call, enrollXml, orderXml } from '../support/soap.js';

/** The intermediate as a client at another base URL gets it (TestCa.issuingFor), judged by openssl. */

const MADE_FOR = 'http://localhost:8080';
const ELSEWHERE = 'http://ccm-mock:9000';

let ca: TestCa;
beforeAll(async () => {
  ca = await generateTestCa({ baseUrl: MADE_FOR, keyBits: 1024 });
});

const text = (
  pem: string,
  exts = 'subjectKeyIdentifier,authorityKeyIdentifier,basicConstraints,keyUsage,extendedKeyUsage',
) => openssl(['x509', '-noout', '-subject', '-issuer', '-dates', '-pubkey', '-ext', exts], pem);
const urls = (pem: string) =>
  openssl(['x509', '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess,certificatePolicies'], pem);
const serialOf = (pem: string) =>
  openssl(['x509', '-noout', '-serial'], pem).trim().replace('serial=', '').toLowerCase();

function leafOf(of: TestCa): string {
  const now = new Date();
  const der = issueLeaf(of, {
    csr: parseCsr(readCsr()),
    subject: [[OID.commonName, 'Alice Example']],
    validationType: 'individual',
    email: 'alice@example.com',
    serial: Buffer.from('0123456789', 'hex'),
    notBefore: now,
    notAfter: new Date(now.getTime() + 86_400_000),
    baseUrl: ELSEWHERE,
  });
  return caCertificate(der).pem;
}

/** The CA loaded from files: its root with its key, and an intermediate of the same key with these extensions. */
function withIntermediate(serial: string, extensions: Buffer[]): TestCa {
  const intermediate = buildCertificate(
    {
      serial: Buffer.from(serial, 'hex'),
      issuer: ca.root.subject,
      subject: ca.issuing.subject,
      spki: createPublicKey(ca.issuing.key).export({ type: 'spki', format: 'der' }),
      notBefore: new Date(ca.issuing.x509.validFrom),
      notAfter: new Date(ca.issuing.x509.validTo),
      extensions,
    },
    ca.root.key!,
  );
  const dir = tempDir();
  const files = {
    rootCertFile: join(dir, 'root.pem'),
    rootKeyFile: join(dir, 'root.key'),
    issuingCertFile: join(dir, 'int.pem'),
    issuingKeyFile: join(dir, 'int.key'),
  };
  writeFileSync(files.rootCertFile, ca.root.pem);
  writeFileSync(files.rootKeyFile, ca.root.key!.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(files.issuingCertFile, caCertificate(intermediate).pem);
  writeFileSync(files.issuingKeyFile, ca.issuing.key.export({ type: 'pkcs8', format: 'pem' }));
  return loadTestCa(files, 'files');
}

describe('intermediate variants', () => {
  it('the base URL the CA was made for gets the stored intermediate itself', () => {
    expect(ca.issuingFor(MADE_FOR)).toBe(ca.issuing);
    expect(ca.issuingFor(MADE_FOR + '/')).toBe(ca.issuing);
  });

  it('another base URL gets the same CA certificate with its URLs there and a serial of its own, signed by the root', () => {
    const variant = ca.issuingFor(ELSEWHERE);
    expect(variant.pem).not.toBe(ca.issuing.pem);
    // subject, issuer, validity, key, SKI, AKI, constraints, key usages: all as stored
    expect(text(variant.pem)).toBe(text(ca.issuing.pem));
    expect(variant.keyId).toEqual(ca.issuing.keyId);
    expect(variant.subject).toEqual(ca.issuing.subject);
    expect(urls(variant.pem)).toBe(urls(ca.issuing.pem).replaceAll(MADE_FOR, ELSEWHERE));
    expect(urls(variant.pem)).toContain(`URI:${ELSEWHERE}/crl/root.crl`);
    // the policies are the stored ones, the CPS they point at under the new base
    expect(urls(variant.pem)).toContain(`CPS: ${ELSEWHERE}/cps`);
    expect(urls(variant.pem).match(/Policy: /g)).toHaveLength(9);
    expect(serialOf(variant.pem)).toBe(
      variantSerial(Buffer.from(serialOf(ca.issuing.pem), 'hex'), ELSEWHERE).toString('hex'),
    );
    expect(serialOf(variant.pem)).not.toBe(serialOf(ca.issuing.pem));

    const dir = tempDir();
    writeFileSync(join(dir, 'root.pem'), ca.root.pem);
    writeFileSync(join(dir, 'int.pem'), variant.pem);
    expect(openssl(['verify', '-CAfile', join(dir, 'root.pem'), join(dir, 'int.pem')])).toBe(
      `${join(dir, 'int.pem')}: OK\n`,
    );
    // a leaf chains to every variant alike
    const leaf = leafOf(ca);
    expect(verifySmime(leaf, ca.root.pem, variant.pem)).toMatch(/: OK$/m);
    expect(verifySmime(leaf, ca.root.pem, ca.issuing.pem)).toMatch(/: OK$/m);
  });

  it('is the same bytes every time: the same process, and a restart on the same data directory', async () => {
    const dataDir = tempDir();
    const first = await obtainTestCa({ baseUrl: MADE_FOR, dataDir, keyBits: 1024 });
    const second = await obtainTestCa({ baseUrl: MADE_FOR, dataDir, keyBits: 1024 });
    expect(second.issuing.pem).toBe(first.issuing.pem);
    expect(second.issuingFor(ELSEWHERE).pem).toBe(first.issuingFor(ELSEWHERE).pem);
    expect(first.issuingFor(ELSEWHERE)).toBe(first.issuingFor(ELSEWHERE));
  });

  it('stays bounded under many base URLs (a Host header is client input) and re-makes an evicted variant identically', () => {
    const firstOne = ca.issuingFor('http://host-0:1');
    expect(ca.issuingFor('http://host-0:1')).toBe(firstOne); // kept while there is room
    for (let i = 1; i <= 80; i++) ca.issuingFor(`http://host-${i}:1`);
    expect(ca.issuingFor(MADE_FOR)).toBe(ca.issuing);
    // evicted by the newer ones (a new object), and made again as the same bytes
    const again = ca.issuingFor('http://host-0:1');
    expect(again).not.toBe(firstOne);
    expect(again.pem).toBe(firstOne.pem);
  });

  it('without the root key, or for an intermediate not naming ccm-mock URLs, there is one intermediate: the stored one', () => {
    const dir = tempDir();
    const files = {
      rootCertFile: join(dir, 'root.pem'),
      issuingCertFile: join(dir, 'int.pem'),
      issuingKeyFile: join(dir, 'int.key'),
    };
    writeFileSync(files.rootCertFile, ca.root.pem);
    writeFileSync(files.issuingCertFile, ca.issuing.pem);
    writeFileSync(files.issuingKeyFile, ca.issuing.key.export({ type: 'pkcs8', format: 'pem' }));
    const noRootKey = loadTestCa(files, 'files');
    expect(noRootKey.issuingFor(ELSEWHERE)).toBe(noRootKey.issuing);

    // someone's own intermediate, its CRL at their own URL: served as it is
    const theirs = withIntermediate('42', [
      ext.basicConstraints(true, 0),
      ext.subjectKeyIdentifier(ca.issuing.keyId),
      ext.crlDistributionPoint('http://pki.example/root.crl'),
    ]);
    expect(theirs.issuingFor(ELSEWHERE)).toBe(theirs.issuing);
  });

  it('an intermediate ccm-mock made before it wrote certificatePolicies still gets variants, without policies', () => {
    const made = intermediateUrlExtensions(MADE_FOR);
    const loaded = withIntermediate('43', [
      ext.basicConstraints(true, 0),
      ext.subjectKeyIdentifier(ca.issuing.keyId),
      made.cdp,
      made.aia,
    ]);
    const variant = loaded.issuingFor(ELSEWHERE);
    expect(variant).not.toBe(loaded.issuing);
    expect(urls(variant.pem)).toBe(urls(loaded.issuing.pem).replaceAll(MADE_FOR, ELSEWHERE));
    expect(urls(variant.pem)).not.toContain('Policies');
    // the start-up log says why, and what to do
    expect(caProfileWarning(loaded)).toMatch(
      /^the issuing CA has no certificatePolicies .* delete the data directory's ca folder/,
    );
    expect(caProfileWarning(ca)).toBeUndefined();
  });
});

describe('collect asks for the intermediate only when it makes a bundle (a variant may have to be signed)', () => {
  it.each(['pkcs7', 'x509'] as const)(
    '%s: once for the first collect of an order, never again; never for x509',
    async (certificateFormat) => {
      const asked: string[] = [];
      const counting: TestCa = { ...ca, issuingFor: (baseUrl) => (asked.push(baseUrl), ca.issuingFor(baseUrl)) };
      const mock = await createMockServer({ ca: counting, certificateFormat, caKeyBits: 1024 });
      try {
        const n = (await call(mock.endpoint, 'enroll', enrollXml({ email: 'bundle@example.com', csr: readCsr() })))
          .code;
        for (let i = 0; i < 3; i++) {
          const answer = await call(mock.endpoint, 'collect', orderXml(n));
          expect(answer.schemaProblems).toEqual([]);
          expect(answer.code).toBe(1);
        }
        expect(asked).toEqual(certificateFormat === 'x509' ? [] : [mock.url]);
      } finally {
        await mock.close();
      }
    },
  );
});
