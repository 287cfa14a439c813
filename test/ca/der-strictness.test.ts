import { spawnSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrBytes } from '../../server/ca/csr.js';
import { children, DerError, raw, readNode, readOid, readWhole } from '../../server/ca/der-reader.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { csrPath, readCsr } from '../support/fixtures.js';
import { tempDir } from '../support/openssl.js';
import { call, enrollXml } from '../support/soap.js';

/**
 * What the DER reader accepts (server/ca/der-reader.ts): DER's tag and length rules, nothing looser. A CSR in
 * BER (here fixtures/csr/rsa-2048.csr with one length re-encoded) is "cannot be decoded", -10, although OpenSSL
 * reads it: the CA copies the request's subject and key into the certificate byte for byte.
 */

/** A TLV with its length written in `octets` long-form octets (0: the short form), minimal or not. */
function tlv(tag: number, value: Buffer, octets = value.length < 0x80 ? 0 : value.length < 0x100 ? 1 : 2): Buffer {
  if (octets === 0) return Buffer.concat([Buffer.from([tag, value.length]), value]);
  const len = Buffer.alloc(octets);
  len.writeUIntBE(value.length, 0, octets);
  return Buffer.concat([Buffer.from([tag, 0x80 | octets]), len, value]);
}

const fixtureDer = csrBytes(readCsr());
const [infoNode, sigAlgNode] = children(readWhole(fixtureDer));
const valueOf = (node: { contentStart: number; end: number }) => fixtureDer.subarray(node.contentStart, node.end);

/** The fixture's outer SEQUENCE with a 3-octet length (83 00 02 a0) where DER has 2 (82 02 a0): nothing signed changes. */
const outerNonMinimal = tlv(0x30, valueOf(readWhole(fixtureDer)), 3);

/**
 * The signed part in BER, validly signed over those bytes: its SubjectPublicKeyInfo's length in 3 octets
 * (30 83 00 01 22), the bytes the CA would copy into the certificate.
 */
function signedBer(): Buffer {
  const [version, subject, spki, ...rest] = children(infoNode);
  const info = tlv(0x30, Buffer.concat([raw(version), raw(subject), tlv(0x30, valueOf(spki), 3), ...rest.map(raw)]));
  expect(readOid(children(sigAlgNode)[0])).toBe('1.2.840.113549.1.1.11'); // sha256WithRSAEncryption
  const signature = sign('sha256', info, readFileSync(csrPath('rsa-2048.key'), 'utf8'));
  return tlv(0x30, Buffer.concat([info, raw(sigAlgNode), tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))]));
}

/** The fixture's outer SEQUENCE with an indefinite length, closed by end-of-contents. */
const outerIndefinite = Buffer.concat([Buffer.from([0x30, 0x80]), valueOf(readWhole(fixtureDer)), Buffer.from([0, 0])]);

describe('readNode: DER lengths only', () => {
  it.each([
    ['short form', [0x04, 0x01, 0xaa], 1],
    ['long form for 128', [0x04, 0x81, 0x80, ...Array<number>(128).fill(0)], 128],
  ])('accepts the %s', (_what, bytes, length) => {
    const node = readNode(Buffer.from(bytes));
    expect(node.end - node.contentStart).toBe(length);
  });

  it.each([
    ['the long form for a length below 128', [0x04, 0x81, 0x01, 0xaa], /long form for length 1 is not DER/],
    ['a long-form length with a leading zero octet', [0x04, 0x82, 0x00, 0x01, 0xaa], /leading zero octet/],
    ['an indefinite length', [0x30, 0x80, 0x00, 0x00], /indefinite length is not DER/],
    ['five length octets', [0x04, 0x85, 0, 0, 0, 0, 1, 0xaa], /length too large/],
    ['a two-octet tag', [0x1f, 0x81, 0x01, 0x00], /multi-byte tags/],
  ])('refuses %s', (_what, bytes, message) => {
    expect(() => readNode(Buffer.from(bytes))).toThrow(DerError);
    expect(() => readNode(Buffer.from(bytes))).toThrow(message);
  });

  it('refuses an OBJECT IDENTIFIER subidentifier padded with 0x80, as BER does too', () => {
    expect(readOid(readNode(Buffer.from([0x06, 0x03, 0x2a, 0x86, 0x48])))).toBe('1.2.840');
    expect(() => readOid(readNode(Buffer.from([0x06, 0x04, 0x2a, 0x80, 0x86, 0x48])))).toThrow(/leading 0x80/);
  });
});

describe('a CSR in BER', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await createMockServer();
  });
  afterAll(() => mock.close());

  let n = 0;
  const enroll = async (der: Buffer) => {
    const answer = await call(
      mock.endpoint,
      'enroll',
      enrollXml({ csr: der.toString('base64'), email: `ber${++n}@example.com` }),
    );
    expect(answer.schemaProblems).toEqual([]);
    return answer.code;
  };
  /** what `openssl req -verify` says of the request (OpenSSL reads BER) */
  const opensslVerify = (der: Buffer) => {
    const file = join(tempDir(), 'req.der');
    writeFileSync(file, der);
    const run = spawnSync('openssl', ['req', '-inform', 'DER', '-in', file, '-noout', '-verify'], { encoding: 'utf8' });
    return `exit ${run.status}: ${run.stdout}${run.stderr}`; // the verdict is on stderr
  };

  it('the fixture as DER is issued', async () => {
    expect(await enroll(fixtureDer)).toBeGreaterThan(0);
  });

  it.each([
    ['an outer length in 3 octets where 2 do (nothing signed changes)', outerNonMinimal],
    ['the key in BER inside the signed part, signed over those bytes', signedBer()],
    ['an indefinite outer length', outerIndefinite],
  ])('%s: OpenSSL verifies it, the mock answers -10 (cannot be decoded)', async (_what, der) => {
    expect(der.equals(fixtureDer)).toBe(false);
    expect(opensslVerify(der)).toMatch(/^exit 0: .*verify OK/s);
    expect(await enroll(der)).toBe(-10);
  });
});
