import { createHash, verify, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CertificateRecord } from '../../server/ca/certificate-records.js';
import { publicKeyBitsOf } from '../../server/ca/cert-fields.js';
import { parseCsr, type ParsedCsr } from '../../server/ca/csr.js';
import * as der from '../../server/ca/der.js';
import { children, content, readWhole } from '../../server/ca/der-reader.js';
import { issueLeaf } from '../../server/ca/issuer.js';
import { generateOcspSigner, type OcspSigner } from '../../server/ca/ocsp-signer.js';
import { OCSP_STATUS, OcspResponder, parseOcspRequest } from '../../server/ca/ocsp.js';
import { OID } from '../../server/ca/oids.js';
import { generateTestCa, type TestCa } from '../../server/ca/test-ca.js';
import { readCsr } from '../support/fixtures.js';
import { openssl, tempDir } from '../support/openssl.js';

/** The OCSP request reader and responder on their own: hand-made requests, openssl-made ones, and broken ones. */

let ca: TestCa;
let otherCa: TestCa;
let signer: OcspSigner;
let responder: OcspResponder;
let csr: ParsedCsr;
const records = new Map<string, CertificateRecord>();
const NOW = Date.UTC(2030, 0, 15, 12, 0, 0);

beforeAll(async () => {
  [ca, otherCa] = await Promise.all(
    [1, 2].map(() => generateTestCa({ baseUrl: 'http://mock.test', keyBits: 1024, now: new Date(NOW - 86_400_000) })),
  );
  signer = await generateOcspSigner(ca, 1024);
  responder = new OcspResponder({
    issuer: ca.issuing,
    signer,
    records: { bySerial: (s) => records.get(s), revoked: () => [...records.values()].filter((r) => r.revocation) },
    now: () => NOW,
  });
  csr = parseCsr(readCsr());
});

function store(by: TestCa, serial: Buffer, revocation?: CertificateRecord['revocation']): void {
  const leaf = issueLeaf(by, {
    csr,
    subject: [[OID.commonName, 'U']],
    validationType: 'individual',
    email: 'u@example.com',
    serial,
    notBefore: new Date(NOW - 1000),
    notAfter: new Date(NOW + 1e9),
    baseUrl: 'http://mock.test',
  });
  records.set(serial.toString('hex'), { serial: serial.toString('hex'), der: leaf, revocation });
}

function certId(serial: Buffer, hash = 'sha1', hashOid: string = OID.sha1): Buffer {
  return der.seq(
    der.algorithm(hashOid),
    der.octets(createHash(hash).update(ca.issuing.subject).digest()),
    der.octets(createHash(hash).update(publicKeyBitsOf(ca.issuing.der)).digest()),
    der.int(serial),
  );
}

/** OCSPRequest { TBSRequest { requestList, [2] requestExtensions } } */
function request(ids: Buffer[], nonceValue?: Buffer): Buffer {
  const exts = nonceValue ? [der.explicit(2, der.seq(der.seq(der.oid(OID.ocspNonce), der.octets(nonceValue))))] : [];
  return der.seq(der.seq(der.seq(...ids.map((id) => der.seq(id))), ...exts));
}

interface Answer {
  status: number;
  singles: Array<{ certId: Buffer; statusTag: number }>;
  nonce?: Buffer;
  tbs?: Buffer;
  signature?: Buffer;
}

function read(response: Buffer): Answer {
  const top = children(readWhole(response));
  const status = content(top[0])[0];
  if (!top[1]) return { status, singles: [] };
  const bytes = children(children(top[1])[0]);
  const basic = children(readWhole(content(bytes[1])));
  const data = children(basic[0]);
  const singles = children(data[2]).map((s) => {
    const parts = children(s);
    return { certId: s.buf.subarray(parts[0].start, parts[0].end), statusTag: parts[1].tag };
  });
  const extNode = data.find((n) => n.tag === 0xa1);
  const nonce =
    extNode && Buffer.from(extNode.buf.subarray(children(extNode)[0].contentStart, children(extNode)[0].end));
  return {
    status,
    singles,
    nonce,
    tbs: basic[0].buf.subarray(basic[0].start, basic[0].end),
    signature: content(basic[2]).subarray(1),
  };
}

const serialA = Buffer.from('0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'hex');
const serialB = Buffer.from('7f00000000000000000000000000beef', 'hex');

describe('OcspResponder', () => {
  it('answers unknown for a stored serial whose certificate another CA (same names) issued', () => {
    store(otherCa, serialA);
    expect(read(responder.respond(request([certId(serialA)]))).singles[0].statusTag).toBe(0x82);
  });

  it('answers several CertIDs in order, echoing each one byte for byte, and signs with the responder key', () => {
    store(ca, serialA);
    store(ca, serialB, { at: NOW - 5000, reasonCode: 4 });
    const ids = [
      certId(serialA),
      certId(serialB, 'sha256', OID.sha256),
      certId(Buffer.from([0x42])),
      certId(serialA, 'md5', '1.2.840.113549.2.5'),
    ];
    const answer = read(responder.respond(request(ids)));
    expect(answer.status).toBe(OCSP_STATUS.successful);
    expect(answer.singles.map((s) => s.certId)).toEqual(ids);
    // good, revoked, unknown (never issued), unknown (a hash we do not speak)
    expect(answer.singles.map((s) => s.statusTag)).toEqual([0x80, 0xa1, 0x82, 0x82]);
    expect(answer.nonce).toBeUndefined();
    expect(verify('sha256', answer.tbs!, new X509Certificate(signer.der).publicKey, answer.signature!)).toBe(true);
  });

  it('echoes nonces of 1 to 128 octets, and refuses 0 or 129 with malformedRequest', () => {
    for (const length of [1, 16, 32, 128]) {
      const value = der.octets(Buffer.alloc(length, 7));
      const answer = read(responder.respond(request([certId(serialA)], value)));
      expect(answer.status).toBe(OCSP_STATUS.successful);
      expect(answer.nonce).toEqual(der.seq(der.oid(OID.ocspNonce), der.octets(value)));
    }
    for (const length of [0, 129]) {
      expect(read(responder.respond(request([certId(serialA)], der.octets(Buffer.alloc(length, 7))))).status).toBe(
        OCSP_STATUS.malformedRequest,
      );
    }
  });

  it('never throws: every truncation and every single-byte corruption of a request gets an answer', () => {
    const valid = request([certId(serialA), certId(serialB)], der.octets(Buffer.alloc(16, 1)));
    let malformed = 0;
    const variants: Buffer[] = [];
    for (let n = 0; n < valid.length; n++) variants.push(valid.subarray(0, n));
    for (let i = 0; i < valid.length; i++) {
      for (const flip of [0x80, 0xff]) {
        const v = Buffer.from(valid);
        v[i] ^= flip;
        variants.push(v);
      }
    }
    for (const v of variants) {
      const status = read(responder.respond(v)).status;
      expect([OCSP_STATUS.successful, OCSP_STATUS.malformedRequest]).toContain(status);
      if (status === OCSP_STATUS.malformedRequest) malformed++;
    }
    expect(malformed).toBeGreaterThan(valid.length); // every truncation at least
  });

  it('reads what openssl sends: the CertID, the serial and the nonce', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'int.pem'), ca.issuing.pem);
    openssl(['ocsp', '-issuer', join(dir, 'int.pem'), '-serial', '0x00ff01', '-reqout', join(dir, 'req.der')]);
    const parsed = parseOcspRequest(readFileSync(join(dir, 'req.der')));
    expect(parsed.certIds).toHaveLength(1);
    expect(parsed.certIds[0].hashAlgorithm).toBe(OID.sha1);
    expect(parsed.certIds[0].serial).toBe('ff01');
    expect(parsed.nonceExtension).toBeDefined();
  });
});
