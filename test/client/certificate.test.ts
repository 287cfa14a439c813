import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CcmClient,
  CertificateFormatError,
  parseCollectedCertificate,
  type CollectedFormat,
} from '../../client/index.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { openssl, tempDir } from '../support/openssl.js';

/**
 * parseCollectedCertificate on every shape the live `collect` might use (docs/wire-fidelity.md), built by
 * the openssl command line from a certificate the mock issued, so the inputs are not our own encoder's.
 */

let mock: MockServer;
let leafPem: string;
let serial: string;
let dir: string;

beforeAll(async () => {
  mock = await createMockServer({ certificateFormat: 'x509' });
  const client = new CcmClient({
    endpoint: mock.endpoint,
    auth: { login: 'admin', password: 'sandbox', customerLoginUri: 'sandbox' },
    orgId: 1001,
    secretKey: 'sandbox-secret',
  });
  const cert = await client.enrollAndCollect(
    { username: 'Parsed', email: 'parsed@example.com', csr: readCsr() },
    { backoff: { initialDelayMs: 0 } },
  );
  leafPem = cert.leafPem;
  dir = tempDir();
  writeFileSync(join(dir, 'leaf.pem'), leafPem);
  writeFileSync(join(dir, 'chain.pem'), mock.ca.issuing.pem + mock.ca.root.pem);
  serial = openssl(['x509', '-in', join(dir, 'leaf.pem'), '-noout', '-serial'])
    .trim()
    .split('=')[1]
    .toLowerCase();
});
afterAll(() => mock.close());

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
const pkcs7 = (outform: 'PEM' | 'DER') =>
  execFileSync('openssl', [
    'crl2pkcs7',
    '-nocrl',
    '-certfile',
    join(dir, 'leaf.pem'),
    '-certfile',
    join(dir, 'chain.pem'),
    '-outform',
    outform,
  ]);

describe('parseCollectedCertificate', () => {
  const inputs: Array<[string, () => string, CollectedFormat, number]> = [
    ['base64 DER X.509 (one line)', () => b64(derOf(leafPem)), 'x509', 0],
    ['base64 DER X.509 wrapped at 64 with CRLF', () => b64(derOf(leafPem)).replace(/(.{64})/g, '$1\r\n'), 'x509', 0],
    ['base64 DER PKCS#7 (openssl crl2pkcs7)', () => b64(pkcs7('DER')), 'pkcs7', 2],
    ['PEM PKCS7 block', () => pkcs7('PEM').toString(), 'pkcs7-pem', 2],
    [
      'PEM chain root first, leaf last (the SSL service order)',
      () => mock.ca.root.pem + mock.ca.issuing.pem + leafPem,
      'pem',
      2,
    ],
    [
      'PEM chain shuffled, CRLF line ends',
      () => (mock.ca.issuing.pem + leafPem + mock.ca.root.pem).replace(/\n/g, '\r\n'),
      'pem',
      2,
    ],
    ['PEM of the leaf alone', () => leafPem, 'pem', 0],
    ['base64 of PEM text (as the SSL collectRenewed answers)', () => b64(mock.ca.root.pem + leafPem), 'pem', 1],
  ];

  it.each(inputs)('%s', (_name, make, format, chainLength) => {
    const cert = parseCollectedCertificate(make());
    expect(cert.format).toBe(format);
    expect(cert.serialNumber).toBe(serial);
    expect(cert.leafPem).toBe(leafPem);
    expect(cert.emails).toEqual(['parsed@example.com']);
    expect(cert.chain).toHaveLength(chainLength);
    if (chainLength === 2) expect(cert.fullChainPem).toBe(leafPem + mock.ca.issuing.pem + mock.ca.root.pem);
  });

  it.each([
    ['empty', ''],
    ['not base64', '*** nope ***'],
    ['base64 of neither certificate nor PKCS#7', b64('not a certificate at all')],
    ['PEM without a certificate', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'],
  ])('rejects %s with CertificateFormatError', (_name, text) => {
    expect(() => parseCollectedCertificate(text)).toThrow(CertificateFormatError);
  });
});
