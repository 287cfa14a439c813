import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { REST_ENDPOINTS } from '../../wsdl/rest/index.js';
import { enrollBody, restClient } from '../support/rest.js';

/**
 * Whatever reaches /api, the answer is a 2xx or a JSON error with a negative code (the client checks each), never
 * a 5xx and never a crash: random JSON to every endpoint taking a body, random path values and query strings,
 * deep nesting, odd numbers. Orders made along the way stay the customer's own.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

let mock: MockServer;
let api: ReturnType<typeof restClient>;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'rest-hostile' });
  api = restClient(mock.url);
});
afterAll(async () => {
  await mock.close();
});

const posts = REST_ENDPOINTS.filter((e) => e.method === 'POST');
const fill = (path: string, value: string) => path.replace(/\{\w+\}/g, encodeURIComponent(value));

describe('hostile input to the REST API', () => {
  it('random JSON bodies to every endpoint that takes one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...posts), fc.jsonValue({ maxDepth: 4 }), async (endpoint, body) => {
        const a = await api('POST', fill(endpoint.path, '1'), body);
        expect(a.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });

  it("an enroll body with one field replaced by anything: a 200 or the field's -7/-1601 (or a rule of the domain)", async () => {
    const fields = Object.keys(enrollBody());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }), async (field, value) => {
        const a = await api('POST', '/smime/v1/enroll', enrollBody({ [field]: value }));
        expect(a.status).toBeLessThan(500);
        if (a.status !== 200) expect(a.error!.code).toBeLessThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('random path values and query strings on every GET endpoint', async () => {
    const gets = REST_ENDPOINTS.filter((e) => e.method === 'GET');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...gets),
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.dictionary(
          fc.constantFrom('size', 'position', 'state', 'email', 'format', 'personId', 'organizationId', 'x'),
          fc.string(),
        ),
        async (endpoint, value, query) => {
          const a = await api('GET', `${fill(endpoint.path, value)}?${new URLSearchParams(query).toString()}`);
          expect(a.status).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a body nested 100,000 deep, numbers past 2^53, a NUL in a name: refused with JSON, the mock still up', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(
      (await api('POST', '/smime/v1/enroll', undefined, { raw: deep, headers: { 'Content-Type': 'application/json' } }))
        .status,
    ).toBe(400);
    const big = await api('POST', '/smime/v1/enroll', undefined, {
      raw: JSON.stringify(enrollBody()).replace('"orgId":1001', '"orgId":1e400'),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(big.error?.code).toBe(-1601);
    expect(
      (await api('POST', '/smime/v1/enroll', enrollBody({ firstName: 'A\u0000B', commonName: 'A\u0000B' }))).error
        ?.code,
    ).toBe(-1601);
    expect((await api('GET', '/smime/v1/types')).status).toBe(200);
  });
});
