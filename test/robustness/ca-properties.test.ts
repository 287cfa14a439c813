import fc from 'fast-check';
import { createPublicKey } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsrRejected, parseCsr, publicKeyFromSpki } from '../../server/ca/csr.js';
import * as der from '../../server/ca/der.js';
import { OID } from '../../server/ca/oids.js';
import { csrPath, readCsr } from '../support/fixtures.js';

/**
 * Property-based: the CSR intake takes any bytes without an error other than CsrRejected (which the domain
 * turns into -9..-13 or -7), and reads RSA keys exactly as OpenSSL's decoder does. Bounded by FUZZ_RUNS.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 100) * 5; // in-process and cheap: five times the HTTP properties' runs
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
const timeout = Math.max(30_000, RUNS * 20);

const fixtures = readdirSync(csrPath('.'))
  .filter((f) => f.endsWith('.csr') || f.endsWith('.pem'))
  .map((f) =>
    Buffer.from(
      readCsr(f)
        .replace(/-----[^-]+-----/g, '')
        .replace(/\s+/g, ''),
      'base64',
    ),
  );

/** parseCsr's verdict: a parsed request, or the problem it names; anything else thrown fails the property. */
function verdict(input: string): string {
  try {
    const csr = parseCsr(input);
    return `ok ${csr.keyBits}`;
  } catch (err) {
    if (err instanceof CsrRejected) return err.problem;
    throw err;
  }
}

const edit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('flip', 'drop', 'insert', 'cut', 'set-length'),
  byte: fc.integer({ min: 0, max: 255 }),
});

function mutate(original: Buffer, edits: Array<{ at: number; kind: string; byte: number }>): Buffer {
  let bytes = Buffer.from(original);
  for (const e of edits) {
    const at = e.at % Math.max(1, bytes.length);
    if (e.kind === 'flip') bytes[at] ^= 1 << (e.byte & 7);
    else if (e.kind === 'drop') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    else if (e.kind === 'insert')
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([e.byte]), bytes.subarray(at)]);
    else if (e.kind === 'cut') bytes = bytes.subarray(0, at);
    else bytes[at] = 0x80 | (e.byte & 0x87); // a long-form length byte, 0-7 length octets
  }
  return bytes;
}

describe('properties of the CSR intake', () => {
  it(
    'mutated fixture CSRs are parsed or rejected with a CSR problem, never a crash',
    () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...fixtures),
          fc.array(edit, { minLength: 1, maxLength: 8 }),
          fc.constantFrom('base64', 'pem'),
          (original, edits, form) => {
            const b64 = mutate(original, edits).toString('base64');
            const input =
              form === 'pem'
                ? `-----BEGIN CERTIFICATE REQUEST-----\n${b64.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`
                : b64;
            expect(verdict(input)).toMatch(
              /^(ok \d+|not-base64|undecodable|unsupported-algorithm|unsupported-key-size|bad-signature|bad-country)$/,
            );
          },
        ),
        params,
      );
    },
    timeout,
  );

  it(
    'any text is parsed or rejected, never a crash',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 400 }),
            fc.uint8Array({ maxLength: 800 }).map((b) => Buffer.from(b).toString('base64')),
          ),
          (text) => {
            expect(verdict(text)).toMatch(
              /^(ok \d+|not-base64|undecodable|unsupported-algorithm|unsupported-key-size|bad-signature|bad-country)$/,
            );
          },
        ),
        params,
      );
    },
    timeout,
  );

  it(
    'reads an RSA public key exactly as OpenSSL does (accepted or not, and the same key)',
    () => {
      const rsaKey = der.seq(der.int(Buffer.from(`00${'c3'.repeat(256)}`, 'hex')), der.int(65537));
      const integer = fc.oneof(
        fc.uint8Array({ minLength: 0, maxLength: 300 }).map((b) => der.tlv(0x02, Buffer.from(b))),
        fc.bigInt({ min: 0n, max: 2n ** 2100n }).map((v) => der.int(v)),
        fc.constantFrom(der.int(0), der.int(1), der.int(3), der.int(65537)),
      );
      const keys = fc.oneof(
        fc.tuple(integer, integer).map(([n, e]) => der.seq(n, e)),
        fc.tuple(integer, integer, integer).map(([n, e, x]) => der.seq(n, e, x)),
        fc
          .tuple(integer, integer, fc.uint8Array({ minLength: 1, maxLength: 3 }))
          .map(([n, e, x]) => Buffer.concat([der.seq(n, e), Buffer.from(x)])),
        fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => mutate(rsaKey, edits)),
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      );
      const parameters = fc.constantFrom<Buffer[]>(
        [der.nul()],
        [],
        [der.int(0)],
        [Buffer.from([0x05, 0x01, 0x00])],
        [der.nul(), der.nul()],
      );
      const algorithms = fc.constantFrom(
        OID.rsaEncryption,
        OID.rsaEncryption,
        OID.rsaEncryption,
        OID.rsassaPss,
        OID.ecPublicKey,
      );
      const spkis = fc
        .tuple(algorithms, parameters, keys, fc.nat(3))
        .map(([alg, params, key, unused]) =>
          der.seq(der.seq(der.oid(alg), ...params), der.bitString(key, unused === 3 ? 1 : 0)),
        );
      const judge = (read: () => import('node:crypto').KeyObject): string => {
        try {
          const key = read();
          return `${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.modulusLength} ${JSON.stringify(key.export({ format: 'jwk' }))}`;
        } catch {
          return 'refused';
        }
      };
      fc.assert(
        fc.property(spkis, (spki) => {
          expect(judge(() => publicKeyFromSpki(spki))).toBe(
            judge(() => createPublicKey({ key: spki, format: 'der', type: 'spki' })),
          );
        }),
        params,
      );
    },
    timeout,
  );
});
