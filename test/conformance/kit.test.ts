import { Pkcs10CertificateRequest, X509Certificate } from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_CHECKS,
  CHECK_TAGS,
  checksFor,
  formatJunit,
  formatTable,
  runConformance,
  type ConformanceOptions,
} from '../../client/index.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { wsdlText } from '../../wsdl/contract.js';
import { XmlDocument } from 'libxml2-wasm';
import { abortAfterAnswer, answerWith, fakeEndpoint, hangingPollProxy, relay } from '../support/fake-endpoints.js';
import { envelope, SANDBOX } from '../support/soap.js';
import { readCsr } from '../support/fixtures.js';
import { RecordingClient } from '../../client/conformance/recording-client.js';

/** The conformance kit in-process against the mock: what runs by default, what the flags allow, cleanup, reports. */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer();
});
afterAll(() => mock.close());

const config = (endpoint: string, extra: Partial<ConformanceOptions> = {}): ConformanceOptions => ({
  endpoint,
  auth: SANDBOX,
  orgId: 1001,
  secretKey: 'sandbox-secret',
  emailDomain: 'example.com',
  orgName: 'Sandbox Org',
  csr: readCsr(), // one fixture CSR instead of a key per enrollment keeps the suite quick
  backoff: { initialDelayMs: 0 },
  ...extra,
});

describe('the checks', () => {
  it('are named, tagged and state the guide section they verify; the drift report comes first', () => {
    expect(ALL_CHECKS[0].name).toBe('wsdl-drift');
    expect(new Set(ALL_CHECKS.map((c) => c.name)).size).toBe(ALL_CHECKS.length);
    for (const c of ALL_CHECKS) {
      expect(c.name).toMatch(/^[a-z0-9-]+$/);
      expect(c.tags.length).toBeGreaterThan(0);
      expect(c.tags.every((t) => (CHECK_TAGS as readonly string[]).includes(t))).toBe(true);
      expect(c.guide).toMatch(/\d|docs\/wire-fidelity\.md/);
      // read-only means read-only: no check that issues or revokes carries the tag
      if (c.tags.includes('read-only')) expect(c.tags).toEqual(['read-only']);
    }
    expect(
      ALL_CHECKS.filter((c) => c.tags.includes('mock-only')).every((c) => c.tags.includes('issues-certificate')),
    ).toBe(true);
  });
});

describe('runConformance against the mock in-process', () => {
  it('by default runs only read-only checks and creates nothing', async () => {
    const before = mock.store.count();
    const report = await runConformance(config(mock.endpoint));
    expect(report.ok).toBe(true);
    const ran = report.results.filter((r) => r.status !== 'skipped');
    expect(ran.every((r) => r.status === 'passed' && r.tags.join() === 'read-only')).toBe(true);
    expect(ran.length).toBe(checksFor('soap').filter((c) => c.tags.join() === 'read-only').length);
    expect(report.results.find((r) => r.name === 'revoke-by-order-number')).toMatchObject({
      status: 'skipped',
      message: 'needs --allow-issue and --allow-revoke',
    });
    expect(report.created).toEqual([]);
    expect(mock.store.count()).toBe(before);
  });

  it('with every flag passes every check, and revokes exactly what it created', async () => {
    const bystander = await createBystander();
    const report = await runConformance(
      config(mock.endpoint, { allowIssue: true, allowRevoke: true, allowMockOnly: true }),
    );
    expect(
      report.results.filter((r) => r.status !== 'passed').map((r) => `${r.name}: ${r.message} ${r.details.join('; ')}`),
    ).toEqual([]);
    expect(report.summary).toMatchObject({ total: checksFor('soap').length, passed: checksFor('soap').length });
    expect(report.namespaceSource).toBe('wsdl');
    for (const o of report.created) {
      expect(o.email).toMatch(new RegExp(`^ccm-conformance-${report.runId}-`));
      const state = mock.store.get(o.orderNumber)!.state;
      // what could be revoked was; rejected / unpaid / being-issued orders are left as the mock scripted them
      expect(
        o.revoked ? state === 'revoked' : ['rejected', 'awaiting-payment', 'issuing', 'processing'].includes(state),
      ).toBe(true);
    }
    expect(report.created.filter((o) => o.revoked).length).toBeGreaterThanOrEqual(7);
    expect(mock.store.get(bystander)!.state).toBe('issued');
  });

  it('with --allow-issue alone leaves the certificates it made, and says so', async () => {
    const report = await runConformance(
      config(mock.endpoint, { allowIssue: true, only: ['enroll-collect', 'revoke-by-order-number'] }),
    );
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['enroll-collect', 'passed'],
      ['revoke-by-order-number', 'skipped'],
    ]);
    expect(report.created).toHaveLength(1);
    expect(report.created[0].revoked).toBe(false);
    expect(report.created[0].cleanup).toMatch(/--allow-revoke not given/);
    expect(mock.store.get(report.created[0].orderNumber)!.state).toBe('issued');
    expect(report.results[0].details.join('\n')).toMatch(
      /collect's certificate format: base64 DER PKCS#7 \(3 certificates\); the mock's matching setting: --cert-format pkcs7/,
    );
  });

  it('with --allow-revoke and --no-cleanup runs the revoking checks but leaves the rest, saying why', async () => {
    const report = await runConformance(
      config(mock.endpoint, {
        allowIssue: true,
        allowRevoke: true,
        cleanup: false,
        only: ['enroll-collect', 'revoke-by-order-number'],
      }),
    );
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['enroll-collect', 'passed'],
      ['revoke-by-order-number', 'passed'],
    ]);
    const kept = report.created.filter((o) => !o.revoked);
    expect(kept).toHaveLength(1);
    expect(kept[0].cleanup).toBe(
      `left as it is (--no-cleanup given): revoke it yourself with \`ccm revoke ${kept[0].orderNumber}\` if it was issued`,
    );
    expect(mock.store.get(kept[0].orderNumber)!.state).toBe('issued');
  });

  it('without a configured CSR, makes a fresh RSA key for each enrollment', async () => {
    const report = await runConformance(
      config(mock.endpoint, {
        csr: undefined,
        allowIssue: true,
        allowRevoke: true,
        only: ['enroll-collect', 'revoke-by-order-number'],
      }),
    );
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['enroll-collect', 'passed'],
      ['revoke-by-order-number', 'passed'],
    ]);
    // enroll-collect itself checks that the certificate has the key of the CSR it sent
    const spki = (key: { rawData: ArrayBuffer }) => Buffer.from(key.rawData).toString('base64');
    const keys = report.created.map((o) =>
      spki(new X509Certificate(mock.store.get(o.orderNumber)!.certificate!.der).publicKey),
    );
    const fixtureKey = spki(new Pkcs10CertificateRequest(readCsr()).publicKey);
    expect(keys).toHaveLength(2);
    expect(new Set([...keys, fixtureKey]).size).toBe(3);
  });

  it('skips checks whose configuration is missing, naming it', async () => {
    const report = await runConformance({
      endpoint: mock.endpoint,
      auth: SANDBOX,
      allowIssue: true,
      only: ['enroll-collect', 'enroll-wrong-secret-key'],
    });
    expect(report.results.map((r) => r.message)).toEqual([
      'needs --org-id / CCM_ORG_ID, --email-domain / CCM_EMAIL_DOMAIN',
      'needs --org-id / CCM_ORG_ID, --secret-key / CCM_SECRET_KEY, --email-domain / CCM_EMAIL_DOMAIN',
    ]);
    expect(report.ok).toBe(true);
  });

  it('reports the certificate format of an endpoint that answers bare X.509', async () => {
    const x509 = await createMockServer({ certificateFormat: 'x509', ca: mock.ca });
    try {
      const report = await runConformance(
        config(x509.endpoint, { allowIssue: true, allowRevoke: true, only: ['enroll-collect'] }),
      );
      expect(report.results[0].details).toContain(
        "collect's certificate format: base64 DER X.509 (the leaf alone); the mock's matching setting: --cert-format x509",
      );
    } finally {
      await x509.close();
    }
  });

  it('fails with a drift report against an endpoint whose WSDL differs, while the calls themselves still pass', async () => {
    // an endpoint that forwards SOAP to the mock but publishes a WSDL with a renamed type and a required element
    const deviating = wsdlText
      .replace(/name="AuthData"/, 'name="authData"')
      .replace(/tns:AuthData"/g, 'tns:authData"')
      .replace(/(<xs:element name="email" type="xs:string") minOccurs="0"/, '$1');
    const proxy = await fakeEndpoint(async (req, res, body) => {
      answerWith(
        res,
        req.method === 'GET'
          ? { status: 200, contentType: 'text/xml;charset=utf-8', text: deviating }
          : await relay(mock.endpoint, req, body),
      );
    });
    try {
      const report = await runConformance(config(proxy.url));
      expect(report.ok).toBe(false);
      const drift = report.results[0];
      expect(drift).toMatchObject({
        name: 'wsdl-drift',
        status: 'failed',
        message: '2 structural differences from wsdl/EPKIManager.wsdl',
      });
      expect(drift.drift!.map((d) => d.path)).toEqual(['enroll > authData (type name)', 'enroll > email']);
      expect(
        report.results
          .slice(1)
          .filter((r) => r.status !== 'skipped')
          .every((r) => r.status === 'passed'),
      ).toBe(true);
      expect(formatTable(report)).toContain(
        'enroll > email: ccm-mock has 0..1, endpoint has 1..1\n              fix: set minOccurs/maxOccurs of <email> in enroll in wsdl/EPKIManager.wsdl',
      );
    } finally {
      await proxy.close();
    }
  });

  it('flags answers that are not shaped as the contract says, even when the check itself passed', async () => {
    // the mock's answers passed through with a Content-Type and an extra element the schema does not allow
    const proxy = await fakeEndpoint(async (req, res, body) => {
      const answer = await relay(mock.endpoint, req, body);
      answerWith(
        res,
        req.method === 'GET'
          ? answer
          : {
              ...answer,
              contentType: 'application/xml',
              text: answer.text.replace('<return>', '<unexpected/><return>'),
            },
      );
    });
    try {
      const report = await runConformance(config(proxy.url, { only: ['web-service-info'] }));
      expect(report.results[0].status).toBe('failed');
      expect(report.results[0].details.filter((d) => d.startsWith('wire: '))).toEqual([
        'wire: getWebServiceInfo answer: Content-Type application/xml, expected text/xml',
        expect.stringMatching(
          /^wire: getWebServiceInfo answer is not valid against wsdl\/EPKIManager.wsdl: .*unexpected/,
        ),
      ]);
    } finally {
      await proxy.close();
    }
  });

  it('read-only checks cannot issue, even against a service that ignores the secret key', async () => {
    // a proxy that puts the right secret key into every enroll: -101 can no longer happen
    const lenient = await fakeEndpoint(async (req, res, body) => {
      answerWith(
        res,
        await relay(
          mock.endpoint,
          req,
          body.replace(/<secretKey>[^<]*<\/secretKey>/, '<secretKey>sandbox-secret</secretKey>'),
        ),
      );
    });
    try {
      const before = mock.store.count();
      const report = await runConformance(config(lenient.url));
      expect(mock.store.count()).toBe(before);
      expect(report.created).toEqual([]);
      const check = report.results.find((r) => r.name === 'enroll-wrong-secret-key')!;
      expect(check.status).toBe('failed');
      expect(check.message).toMatch(
        /^enroll: expected -101 \(.*\), got -12 \(The CSR has an invalid signature!\): the endpoint judged the CSR .* before the secret key, or it does not check the secret key/,
      );
    } finally {
      await lenient.close();
    }
  });

  it('an order any enroll creates is recorded and cleaned up, even in a read-only check', async () => {
    // a service that takes every enroll (and every revoke)
    let next = 5000;
    const revoked: number[] = [];
    const anything = await fakeEndpoint((req, res, body) => {
      const op = /<ns0:(\w+)/.exec(body)?.[1] ?? '';
      if (op === 'revoke') revoked.push(Number(/<orderNumber>(\d+)</.exec(body)![1]));
      const value = op.startsWith('enroll') ? ++next : op === 'revoke' ? 0 : undefined;
      if (value === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=utf-8' });
      res.end(envelope(`${op}Response`, `<return>${value}</return>`));
    });
    try {
      const report = await runConformance(
        config(anything.url, { only: ['enroll-wrong-secret-key', 'enroll-csr-not-base64'], allowRevoke: true }),
      );
      expect(report.results.map((r) => [r.name, r.status, r.message])).toEqual([
        [
          'enroll-wrong-secret-key',
          'failed',
          expect.stringMatching(/expected -101 .*, the call succeeded with "order 5001 \(recorded for cleanup\)"/),
        ],
        [
          'enroll-csr-not-base64',
          'failed',
          expect.stringMatching(/expected -9 .*, the call succeeded with "order 5002 \(recorded for cleanup\)"/),
        ],
      ]);
      expect(report.created).toEqual([
        {
          orderNumber: 5001,
          email: `ccm-conformance-${report.runId}-wrong-secret@example.com`,
          check: 'enroll-wrong-secret-key',
          revoked: true,
          cleanup: 'revoked',
        },
        {
          orderNumber: 5002,
          email: `ccm-conformance-${report.runId}-bad-csr@example.com`,
          check: 'enroll-csr-not-base64',
          revoked: true,
          cleanup: 'revoked',
        },
      ]);
      expect(revoked).toEqual([5001, 5002]);

      // the checks' client records whichever way an enroll is sent
      const recorded: number[] = [];
      const client = new RecordingClient(
        { endpoint: anything.url, auth: SANDBOX, orgId: 1001, secretKey: 's' },
        { created: (n) => recorded.push(n), lost: () => undefined },
      );
      const request = { username: 'u', email: 'u@example.com', csr: readCsr() };
      await client.enroll(request);
      await client.enrollUsingKUTemplates({ ...request, templates: ['smime-standard'] });
      await client.call('enroll', { authData: SANDBOX, orgId: 1001, secretKey: 's', ...request });
      expect(recorded).toEqual([5003, 5004, 5005]);
    } finally {
      await anything.close();
    }
  });

  it('an abort stops the run mid-check, runs no further check, and still revokes what the run created', async () => {
    const proxy = await hangingPollProxy(mock.endpoint);
    const controller = new AbortController();
    void proxy.polled.then(() => controller.abort(new Error('interrupted')));
    try {
      // a request timeout longer than the test's: only the abort can end the hung poll
      const report = await runConformance(
        config(proxy.url, {
          allowIssue: true,
          allowRevoke: true,
          only: ['enroll-collect', 'revoke-by-order-number'],
          requestTimeoutMs: 60_000,
          signal: controller.signal,
        }),
      );
      expect(report.interrupted).toBe(true);
      expect(report.ok).toBe(false);
      expect(report.results.map((r) => [r.name, r.status, r.message])).toEqual([
        ['enroll-collect', 'error', 'interrupted while it ran'],
        ['revoke-by-order-number', 'skipped', 'not run: interrupted'],
      ]);
      expect(report.created).toMatchObject([{ check: 'enroll-collect', revoked: true, cleanup: 'revoked' }]);
      expect(mock.store.get(report.created[0].orderNumber)!.state).toBe('revoked');
      expect(formatTable(report)).toMatch(
        /-> INTERRUPTED\n\n {2}orders created by this run \(1\):\n {4}\d+ {2}ccm-conformance-\S+ {2}\(enroll-collect\) {2}revoked\n$/,
      );
    } finally {
      await proxy.close();
    }
  });

  it('an abort during the last check, which still passes, or during the cleanup still makes the run interrupted', async () => {
    const lastCheck = new AbortController();
    const report = await runConformance(
      config(mock.endpoint, {
        only: ['web-service-info'],
        signal: lastCheck.signal,
        fetch: abortAfterAnswer(/getWebServiceInfo/, lastCheck),
      }),
    );
    expect(lastCheck.signal.aborted).toBe(true);
    expect(report.results.map((r) => [r.name, r.status])).toEqual([['web-service-info', 'passed']]);
    expect(report).toMatchObject({ interrupted: true, ok: false });

    const cleanup = new AbortController();
    const cleaned = await runConformance(
      config(mock.endpoint, {
        allowIssue: true,
        allowRevoke: true,
        only: ['enroll-collect'],
        signal: cleanup.signal,
        fetch: abortAfterAnswer(/cleanup of a test certificate/, cleanup),
      }),
    );
    expect(cleanup.signal.aborted).toBe(true);
    expect(cleaned.results.map((r) => [r.name, r.status])).toEqual([['enroll-collect', 'passed']]);
    expect(cleaned.created).toMatchObject([{ revoked: true, cleanup: 'revoked' }]);
    expect(cleaned).toMatchObject({ interrupted: true, ok: false });
  });

  it('writes JUnit XML that parses, with a testcase per check', async () => {
    const report = await runConformance(
      config(mock.endpoint, { only: ['wsdl-drift', 'web-service-info', 'enroll-collect'] }),
    );
    const doc = XmlDocument.fromString(formatJunit(report));
    try {
      expect(doc.root.name).toBe('testsuites');
      expect(doc.find('//testcase').length).toBe(3);
      expect(doc.find('//testcase/skipped').length).toBe(1);
      expect(doc.get('//testsuite/@failures')?.content).toBe('0');
    } finally {
      doc.dispose();
    }
  });
});

/** An issued certificate the kit did not make: the cleanup must leave it alone. */
async function createBystander(): Promise<number> {
  const { CcmClient } = await import('../../client/index.js');
  const c = new CcmClient({ endpoint: mock.endpoint, auth: SANDBOX, orgId: 1001, secretKey: 'sandbox-secret' });
  const order = await c.enroll({ username: 'Bystander', email: 'bystander@example.com', csr: readCsr() });
  expect((await c.collect(order)).ready).toBe(true);
  return order;
}
