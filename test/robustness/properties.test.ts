import { X509Certificate as PeculiarCertificate } from '@peculiar/x509';
import fc from 'fast-check';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { STATUS_CODES } from '../../wsdl/status-codes.js';
import { readCsr } from '../support/fixtures.js';
import { rawPost, type RawAnswer } from '../support/http.js';
import { call, envelope, enrollXml, orderXml, xmlEl } from '../support/soap.js';
import { soapRequest, type Known } from './request-gen.js';

/**
 * Property-based: requests generated from the schema (request-gen.ts), mutated bytes and plain noise all
 * get a well-formed answer that is schema-valid or a SOAP 1.1 fault, as the generator predicts, and never
 * an internal error. The core suite runs a bounded number of cases (FUZZ_RUNS, default 100 per property);
 * `npm run fuzz` runs thousands. A failure prints fast-check's seed and path: FUZZ_SEED=<seed> replays it.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
const timeout = Math.max(30_000, RUNS * 150);

let mock: MockServer;
const known: Known = { orderNumbers: [], serials: [] };
beforeAll(async () => {
  mock = await createMockServer();
  for (const email of [
    'fuzz@example.com',
    'fuzz+pending3@example.com',
    'fuzz+issuing3@example.com',
    'fuzz2@example.org',
  ]) {
    const answer = await call(
      mock.endpoint,
      'enroll',
      enrollXml({
        csr: readCsr(),
        email,
        ...(email.endsWith('.org') ? { orgId: 1002, secretKey: 'second-secret' } : {}),
      }),
    );
    known.orderNumbers.push(answer.code);
  }
  known.serials = known.orderNumbers.map((n) => mock.store.get(n)?.certificate?.serial).filter((s): s is string => !!s);
});
afterAll(() => mock.close());

function wellFormed(answer: RawAnswer): void {
  expect(answer.schemaProblems).toEqual([]);
  expect(answer.headers['content-type']).toBe('text/xml;charset=utf-8');
  expect([200, 500]).toContain(answer.status);
  expect(answer.faultcode).not.toBe('S:Server');
}

describe('properties of the SOAP front end', () => {
  it(
    'a request generated from the schema is answered as a JAXB-lenient Metro endpoint would',
    async () => {
      await fc.assert(
        fc.asyncProperty(soapRequest(known), async (req) => {
          const answer = await rawPost(mock.endpoint, req.xml);
          wellFormed(answer);
          if (req.outcome === 'ok')
            expect({ status: answer.status, fault: answer.faultstring }).toEqual({ status: 200, fault: undefined });
          if (req.outcome === 'fault')
            expect({ status: answer.status, faultcode: answer.faultcode }).toEqual({
              status: 500,
              faultcode: 'S:Client',
            });
          if (req.outcome === 'mustUnderstand') expect(answer.faultcode).toBe('S:MustUnderstand');
        }),
        params,
      );
    },
    timeout,
  );

  it(
    'a valid request with bytes flipped, dropped, inserted or cut off still gets a well-formed answer',
    async () => {
      const valid = [
        envelope('getWebServiceInfo'),
        envelope('enroll', enrollXml({ csr: readCsr(), email: 'mutant@example.com' })),
        envelope('collect', orderXml(known.orderNumbers[0])),
        envelope('revoke', orderXml(known.orderNumbers[1], undefined, xmlEl('reason', 'key compromise'))),
        envelope(
          'enrollUsingKUTemplates',
          enrollXml({ csr: readCsr(), email: 'mutant@example.com', templates: ['smime-signing'] }),
        ),
      ].map((x) => Buffer.from(x));
      const edit = fc.record({
        at: fc.nat(),
        kind: fc.constantFrom('flip', 'drop', 'insert', 'cut'),
        byte: fc.integer({ min: 0, max: 255 }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...valid),
          fc.array(edit, { minLength: 1, maxLength: 6 }),
          async (original, edits) => {
            let bytes = Buffer.from(original);
            for (const e of edits) {
              const at = e.at % Math.max(1, bytes.length);
              if (e.kind === 'flip') bytes[at] ^= 1 << (e.byte & 7);
              else if (e.kind === 'drop') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
              else if (e.kind === 'insert')
                bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([e.byte]), bytes.subarray(at)]);
              else bytes = bytes.subarray(0, at);
            }
            wellFormed(await rawPost(mock.endpoint, bytes));
          },
        ),
        params,
      );
    },
    timeout,
  );

  it(
    'noise gets a Client fault',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (noise) => {
          const answer = await rawPost(mock.endpoint, Buffer.from(noise));
          wellFormed(answer);
          expect(answer.faultcode).toBe('S:Client');
        }),
        params,
      );
    },
    timeout,
  );
});

describe('properties of issuance', () => {
  const ENROLL_CODES = new Set(STATUS_CODES.filter((e) => e.operations.includes('enroll')).map((e) => e.code));
  const localPart = fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-"),
    minLength: 1,
    maxLength: 30,
  });
  const username = fc.oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 70 }),
    fc.constantFrom(
      ' padded ',
      'Ünïcødé Üser',
      '山田 太郎',
      'O\'Brien, "Jr." <x> & co',
      '😀😀😀',
      'a'.repeat(64),
      'CN=Evil,O=Root',
    ),
  );

  it(
    'whatever the username and email, enroll answers a catalog code or an order whose certificate names exactly them',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          username,
          localPart,
          fc.constantFrom('example.com', 'sub.example.com', 'example.org'),
          async (name, local, domain) => {
            const email = `${local}@${domain}`;
            const enrolled = await call(mock.endpoint, 'enroll', enrollXml({ csr: readCsr(), username: name, email }));
            expect(enrolled.schemaProblems).toEqual([]);
            expect(enrolled.fault).toBeUndefined();
            if (enrolled.code <= 0) {
              expect(ENROLL_CODES).toContain(enrolled.code);
              return;
            }
            const collected = await call(mock.endpoint, 'collect', orderXml(enrolled.code));
            expect(collected.code).toBe(1);
            const order = mock.store.get(enrolled.code)!;
            const der = Buffer.from(order.certificate!.der, 'base64');
            const leaf = new X509Certificate(der);
            expect(leaf.verify(mock.ca.issuing.x509.publicKey)).toBe(true);
            expect(leaf.checkEmail(email, { subject: 'never' })).toBe(email);
            // the username is the CN of Sandbox Org's (sponsor-validated) certificates, without padding
            expect(new PeculiarCertificate(der).subjectName.getField('CN')).toEqual([name.trim()]);
          },
        ),
        params,
      );
    },
    timeout,
  );
});
