import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as der from '../../server/ca/der.js';
import { OID } from '../../server/ca/oids.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml } from '../support/soap.js';

/**
 * RSA public exponents a CA refuses (S/MIME Baseline Requirements 6.1.6: odd, in 2^16+1 .. 2^256-1) get -13,
 * before the signature is verified: a 3071-bit exponent made that verification cost several enrolls. Each
 * request here is genuinely self-signed with its exponent, so without the check it would be issued.
 */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'exponents' });
});
afterAll(() => mock.close());

const b64u = (n: bigint) => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex').toString('base64url');
};
const big = (b64: string) => BigInt('0x' + Buffer.from(b64, 'base64url').toString('hex'));
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** A CSR (PEM) for an RSA key with public exponent `wanted` (or the next one coprime to phi), self-signed with it. */
function csrWithExponent(wanted: bigint, bits = 2048): { pem: string; exponent: bigint } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = privateKey.export({ format: 'jwk' });
  const [p, q] = [big(jwk.p!), big(jwk.q!)];
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  let e = wanted;
  while (gcd(e, lambda) !== 1n) e += 2n;
  const d = inverse(e, lambda);
  const key = createPrivateKey({
    key: { ...jwk, e: b64u(e), d: b64u(d), dp: b64u(d % (p - 1n)), dq: b64u(d % (q - 1n)) },
    format: 'jwk',
  });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const info = der.seq(
    der.int(0),
    der.seq(der.set(der.seq(der.oid(OID.commonName), der.utf8('Exponent Test')))),
    spki,
    der.implicitConstructed(0, Buffer.alloc(0)),
  );
  const request = der.seq(info, der.algorithm(OID.sha256WithRSA), der.bitString(sign('sha256', info, key)));
  const body = request.toString('base64').replace(/.{64}/g, '$&\n');
  return { pem: `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`, exponent: e };
}

const enroll = async (csr: string) =>
  (await call(mock.endpoint, 'enroll', enrollXml({ email: 'exponent@example.com', csr }))).code;

describe('the RSA public exponent of a CSR', () => {
  it('2^16+1 and a 2^256-1-sized odd exponent are issued; the request construction is sound', async () => {
    expect(await enroll(csrWithExponent(65537n).pem)).toBeGreaterThan(0);
    const topmost = csrWithExponent(2n ** 255n + 1n);
    expect(topmost.exponent < 2n ** 256n).toBe(true);
    expect(await enroll(topmost.pem)).toBeGreaterThan(0);
  });

  it('-13 for an exponent of 3 (openssl-made fixture), one above 2^256-1, and a 3071-bit one', async () => {
    expect(await enroll(readCsr('rsa-2048-e3.csr'))).toBe(-13);
    const above = csrWithExponent(2n ** 256n + 1n);
    expect(above.exponent > 2n ** 256n - 1n).toBe(true);
    expect(await enroll(above.pem)).toBe(-13);
    const huge = csrWithExponent(2n ** 3070n + 1n, 3072);
    expect(huge.exponent.toString(2)).toHaveLength(3071);
    expect(await enroll(huge.pem)).toBe(-13);
  });

  it('-13 for an even exponent, whatever the signature (the key is refused before it is checked)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const even = createPublicKey({ key: { kty: 'RSA', n: jwk.n!, e: b64u(65538n) }, format: 'jwk' });
    const info = der.seq(
      der.int(0),
      der.seq(der.set(der.seq(der.oid(OID.commonName), der.utf8('Even')))),
      even.export({ type: 'spki', format: 'der' }),
      der.implicitConstructed(0, Buffer.alloc(0)),
    );
    const request = der.seq(info, der.algorithm(OID.sha256WithRSA), der.bitString(sign('sha256', info, privateKey)));
    expect(await enroll(request.toString('base64'))).toBe(-13);
  });
});
