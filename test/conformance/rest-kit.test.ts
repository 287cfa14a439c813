import { XmlDocument } from 'libxml2-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CcmRestClient,
  checksFor,
  ConformanceConfigError,
  formatJunit,
  formatTable,
  runConformance,
  type ConformanceOptions,
} from '../../client/index.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { answerRest, fakeEndpoint, restRelay, type RelayedRestAnswer } from '../support/fake-endpoints.js';
import { readCsr } from '../support/fixtures.js';
import { SANDBOX } from '../support/soap.js';

/**
 * The conformance kit's REST checks: against the mock they pass (read-only by default, every one with every flag,
 * cleaning up what they made), and against endpoints that answer otherwise they fail, each saying how - so they
 * can fail, and a live endpoint's differences are reported as drift.
 */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'rest-kit' });
});
afterAll(() => mock.close());

const config = (endpoint: string, extra: Partial<ConformanceOptions> = {}): ConformanceOptions => ({
  api: 'rest',
  endpoint,
  auth: SANDBOX,
  orgId: 1001,
  emailDomain: 'example.com',
  csr: readCsr(),
  backoff: { initialDelayMs: 0 },
  ...extra,
});
const REST_CHECKS = checksFor('rest');
const readOnly = REST_CHECKS.filter((c) => c.tags.join() === 'read-only').map((c) => c.name);

/** A proxy to the mock whose answers `change` rewrites (the request's method and URL say which). */
async function deviating(change: (req: { method: string; url: string }, answer: RelayedRestAnswer) => void) {
  return fakeEndpoint(async (req, res, body) => {
    const answer = await restRelay(mock.url, req, body);
    change({ method: req.method ?? '', url: req.url ?? '' }, answer);
    answerRest(res, answer);
  });
}

const json = (answer: RelayedRestAnswer) => JSON.parse(answer.body.toString('utf8')) as unknown;
const setJson = (answer: RelayedRestAnswer, value: unknown) => (answer.body = Buffer.from(JSON.stringify(value)));

describe('the REST checks against the mock', () => {
  it('are REST checks with unique names, each naming the documentation it follows', () => {
    expect(REST_CHECKS.length).toBeGreaterThanOrEqual(20);
    for (const c of REST_CHECKS) {
      expect(c.name).toMatch(/^rest-[a-z0-9-]+$/);
      expect(c.guide).toMatch(/REST 25\.5|python-cert_manager/);
    }
    expect(readOnly).toEqual(
      expect.arrayContaining(['rest-auth-failure', 'rest-error-bodies', 'rest-collect-unknown']),
    );
  });

  it('by default run only the read-only checks, which pass and create nothing', async () => {
    const before = mock.store.count();
    const report = await runConformance(config(mock.url));
    expect(report).toMatchObject({ api: 'rest', endpoint: `${mock.url}/api`, ok: true, created: [] });
    expect(report.results.filter((r) => r.status === 'passed').map((r) => r.name)).toEqual(readOnly);
    expect(report.results.find((r) => r.name === 'rest-revoke-by-order')).toMatchObject({
      status: 'skipped',
      message: 'needs --allow-issue and --allow-revoke',
    });
    expect(report.results.flatMap((r) => r.drift ?? [])).toEqual([]);
    expect(mock.store.count()).toBe(before);
    expect(formatTable(report)).toMatch(/^ccm conformance: http:\/\/127\.0\.0\.1:\d+\/api\n {2}REST API, run \w+\n/);
  });

  it('with every flag pass every check, and revoke exactly what they created', async () => {
    // an issued certificate the kit did not make: the cleanup must leave it alone
    const rest = new CcmRestClient({
      baseUrl: mock.url,
      auth: { login: 'admin', password: 'sandbox', customerUri: 'sandbox' },
    });
    const bystander = await rest.enroll({
      orgId: 1001,
      csr: readCsr(),
      certType: 101,
      term: 365,
      email: 'bystander-rest@example.com',
      firstName: 'By',
      lastName: 'Stander',
    });
    const report = await runConformance(config(mock.url, { allowIssue: true, allowRevoke: true, allowMockOnly: true }));
    expect(
      report.results.filter((r) => r.status !== 'passed').map((r) => `${r.name}: ${r.message} ${r.details.join('; ')}`),
    ).toEqual([]);
    expect(report.summary).toMatchObject({ total: REST_CHECKS.length, passed: REST_CHECKS.length });
    for (const o of report.created) {
      expect(o.backendCertId).toBe(String(o.orderNumber));
      const state = mock.store.get(o.orderNumber)!.state;
      // what could be revoked was; rejected and unpaid orders are left as the mock scripted them
      expect(o.revoked ? state === 'revoked' : ['rejected', 'awaiting-payment'].includes(state)).toBe(true);
      expect(mock.store.get(o.orderNumber)!.api).toBe('rest');
    }
    expect(report.created.filter((o) => o.revoked).length).toBeGreaterThanOrEqual(9);
    expect(mock.store.get(bystander.orderNumber)!.state).toBe('issued');
    const formats = report.results.find((r) => r.name === 'rest-enroll-collect')!;
    expect(formats.details.join('\n')).toMatch(
      /collect without a format: application\/octet-stream, .*\.p7b, pkcs7-pem with 3 certificate\(s\)/,
    );
    expect(report.results.find((r) => r.name === 'rest-revoke-by-order')!.details).toContain(
      "collect of a revoked certificate answers -110 (HTTP 400); the mock's matching setting: --rest-revoked-code -110 (its default)",
    );
  });

  it('note -192 against a mock set up for python-cert_manager', async () => {
    const py = await createMockServer({ restRevokedCollectCode: '-192', ca: mock.ca });
    try {
      const report = await runConformance(
        config(py.url, { allowIssue: true, allowRevoke: true, only: ['rest-revoke-by-order'] }),
      );
      expect(report.ok).toBe(true);
      expect(report.results[0].details).toContain(
        "collect of a revoked certificate answers -192 (HTTP 400); the mock's matching setting: --rest-revoked-code -192",
      );
    } finally {
      await py.close();
    }
  });

  it('take only checks of their API, and say so for a SOAP check', async () => {
    await expect(runConformance(config(mock.url, { only: ['wsdl-drift'] }))).rejects.toThrow(
      new ConformanceConfigError('wsdl-drift is a check of the SOAP API (--api soap)'),
    );
    await expect(runConformance(config(mock.url, { only: ['rest-nothing'] }))).rejects.toThrow(
      /unknown check rest-nothing; the REST checks are: rest-auth-failure, /,
    );
  });

  it('write JUnit XML that parses, naming the API', async () => {
    const report = await runConformance(config(mock.url, { only: ['rest-types', 'rest-enroll-collect'] }));
    const xml = formatJunit(report);
    const doc = XmlDocument.fromString(xml);
    try {
      expect(doc.find('//testcase').length).toBe(2);
      expect(doc.get('//testcase[1]/@classname')?.content).toBe('ccm.conformance.rest.read-only');
      expect(doc.get('//property[@name="api"]/@value')?.content).toBe('rest');
      expect(doc.find('//property[@name="namespace"]').length).toBe(0);
    } finally {
      doc.dispose();
    }
  });
});

describe('the REST checks can fail', () => {
  it('against an endpoint that answers otherwise, each check fails saying how, with the drift', async () => {
    const proxy = await deviating((req, answer) => {
      // -16 with another status
      if (answer.status === 401) answer.status = 403;
      else if (req.url === '/api/smime/v1/types' && answer.status === 200) {
        // profiles without terms, and with a field the contract lacks
        const types = json(answer) as Array<Record<string, unknown>>;
        setJson(
          answer,
          types.map(({ terms: _t, ...p }) => ({ ...p, validityPeriods: [] })),
        );
      } else if (req.url.startsWith('/api/smime/v2?')) delete answer.headers['x-total-count'];
      else if (answer.status === 404 && req.url.startsWith('/api/smime/ccm-conformance-no-such-resource')) {
        answer.headers['content-type'] = 'text/html';
        answer.body = Buffer.from('<html><body>Not Found</body></html>');
      } else if (
        req.url.startsWith('/api/smime/v1/collect/') &&
        answer.status === 400 &&
        (json(answer) as { code: number }).code === -1104
      )
        setJson(answer, { code: -5101, description: 'Certificate not found.' });
    });
    try {
      const report = await runConformance(config(proxy.url.replace('/ws/EPKIManager', '/api')));
      expect(report.ok).toBe(false);
      const byName = Object.fromEntries(report.results.map((r) => [r.name, r]));
      expect(byName['rest-auth-failure']).toMatchObject({
        status: 'failed',
        message: 'expected HTTP 401 with -16, got HTTP 403',
      });
      expect(byName['rest-auth-failure'].drift!.map((d) => [d.aspect, d.path, d.expected, d.actual])).toEqual([
        ['status', 'smime.listTypes error -16 (UNKNOWN_USER)', 'HTTP 401', 'HTTP 403'],
      ]);
      expect(byName['rest-types']).toMatchObject({
        status: 'failed',
        message: 'profile 101 has no terms in days: undefined',
      });
      expect(byName['rest-types'].drift!.map((d) => [d.path, d.expected, d.actual])).toEqual([
        ['smime.listTypes answer > [] > terms', 'array', '(absent)'],
        ['smime.listTypes answer > [] > validityPeriods', '(absent)', 'array'],
      ]);
      expect(byName['rest-list-and-count']).toMatchObject({
        status: 'failed',
        message: 'the list answered no integer X-Total-Count',
      });
      expect(byName['rest-collect-unknown'].message).toBe(
        'smime.collect: expected -1104 (Invalid order number …), got -5101 (HTTP 400: Certificate not found.)',
      );
      expect(byName['rest-error-bodies']).toMatchObject({
        status: 'failed',
        message: '1 error answer clients cannot parse',
      });
      expect(byName['rest-error-bodies'].details).toContain(
        'an unknown path: the error is not application/json (HTTP 404, text/html: <html><body>Not Found</body></html>)',
      );
      // the checks the proxy left alone still pass
      expect(byName['rest-custom-fields'].status).toBe('passed');
      expect(formatTable(report)).toContain(
        'smime.listTypes answer > [] > terms: ccm-mock has array, endpoint has (absent)\n              fix: the endpoint leaves it out',
      );
    } finally {
      await proxy.close();
    }
  });

  it('a check whose own assertions pass still fails on an answer that differs from the contract', async () => {
    const proxy = await deviating((req, answer) => {
      if (req.url === '/api/smime/v1/customFields')
        setJson(
          answer,
          (json(answer) as object[]).map((f) => ({ ...f, scope: 'x' })),
        );
    });
    try {
      const report = await runConformance(
        config(proxy.url.replace('/ws/EPKIManager', '/api'), { only: ['rest-custom-fields'] }),
      );
      expect(report.results[0]).toMatchObject({
        status: 'failed',
        message: '1 difference from the REST contract (drift)',
      });
      expect(report.results[0].drift).toEqual([
        {
          aspect: 'field',
          path: 'smime.listCustomFields answer > [] > scope',
          expected: '(absent)',
          actual: 'string "x"',
          fix: "add it to the contract (wsdl/rest/schemas.ts) and to the mock's answer, if clients should see it",
        },
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('read-only checks cannot issue, and an order a lenient service makes anyway is recorded and cleaned up', async () => {
    // a service that takes every enroll and every revoke, and otherwise answers as the mock
    let next = 7000;
    const revoked: string[] = [];
    const lenient = await fakeEndpoint(async (req, res, body) => {
      if (req.method === 'POST' && req.url === '/api/smime/v1/enroll') {
        next++;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ orderNumber: next, backendCertId: String(next) }));
      } else if (req.method === 'POST' && req.url?.startsWith('/api/smime/v1/revoke/order/')) {
        revoked.push(req.url.split('/').pop()!);
        res.writeHead(204).end();
      } else answerRest(res, await restRelay(mock.url, req, body));
    });
    try {
      const report = await runConformance(
        config(lenient.url.replace('/ws/EPKIManager', '/api'), { only: ['rest-enroll-refused'], allowRevoke: true }),
      );
      expect(report.results[0]).toMatchObject({
        status: 'failed',
        message: expect.stringMatching(/^smime\.enroll: expected -7 .*, the call succeeded/) as unknown,
      });
      expect(report.created).toEqual([
        {
          orderNumber: 7001,
          backendCertId: '7001',
          email: `ccm-conformance-${report.runId}-refused@example.com`,
          check: 'rest-enroll-refused',
          revoked: true,
          cleanup: 'revoked',
        },
      ]);
      expect(revoked).toEqual(['7001']);
    } finally {
      await lenient.close();
    }
  });
});
