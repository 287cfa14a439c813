import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XmlDocument } from 'libxml2-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../client/cli/main.js';
import { ccmProcess, startMockProcess, type MockProcess } from '../support/ccm-processes.js';
import { csrPath } from '../support/fixtures.js';
import { tempDir } from '../support/openssl.js';
import type { ConformanceReport } from '../../client/conformance/runner.js';
import { readJsonFile, shaped } from '../support/json.js';
import { z } from 'zod';

/**
 * The path a live run takes: `ccm-mock serve` started as its own process and `ccm conformance` as another,
 * knowing only the endpoint URL and the credentials (no admin API, no shared memory).
 */

const CREDENTIALS = {
  CCM_LOGIN: 'admin',
  CCM_PASSWORD: 'sandbox',
  CCM_CUSTOMER_URI: 'sandbox',
  CCM_ORG_ID: '1001',
  CCM_SECRET_KEY: 'sandbox-secret',
  CCM_EMAIL_DOMAIN: 'example.com',
  CCM_ORG_NAME: 'Sandbox Org',
};

let faithful: MockProcess;
let deviating: MockProcess;
const dir = tempDir();

beforeAll(async () => {
  [faithful, deviating] = await Promise.all([
    startMockProcess(),
    startMockProcess(['--namespace', 'http://smime.ws.epki.comodo.com/']),
  ]);
});
afterAll(async () => {
  await Promise.all([faithful?.stop(), deviating?.stop()]);
});

describe('ccm conformance against ccm-mock as a separate process', () => {
  it('passes every check that is not mock-only, with --allow-issue --allow-revoke', async () => {
    const junit = join(dir, 'junit.xml');
    const json = join(dir, 'report.json');
    const { done } = ccmProcess(
      [
        'conformance',
        '--endpoint',
        faithful.endpoint,
        '--allow-issue',
        '--allow-revoke',
        '--csr',
        csrPath('rsa-2048.csr'),
        '--poll-interval',
        '0',
        '--junit',
        junit,
        '--json-report',
        json,
      ],
      CREDENTIALS,
    );
    const run = await done;
    expect(run.stderr).toContain('[1/'); // progress while checks run
    expect(run.code, run.stdout + run.stderr).toBe(EXIT.OK);
    expect(run.stdout).toMatch(/^ccm conformance: http:\/\/127\.0\.0\.1:\d+\/ws\/EPKIManager\n/);
    expect(run.stdout).toMatch(/PASS {4}wsdl-drift/);

    const report = readJsonFile<ConformanceReport>(json);
    const notMockOnly = report.results.filter((r) => !r.tags.includes('mock-only'));
    expect(notMockOnly.map((r) => `${r.name} ${r.status}`)).toEqual(notMockOnly.map((r) => `${r.name} passed`));
    expect(report.results.filter((r) => r.tags.includes('mock-only')).every((r) => r.status === 'skipped')).toBe(true);
    expect(report.created.length).toBeGreaterThan(0);
    expect(report.created.every((o) => o.revoked)).toBe(true);

    const doc = XmlDocument.fromString(readFileSync(junit, 'utf8'));
    try {
      expect(doc.get('/testsuites/@failures')?.content).toBe('0');
      expect(doc.get('/testsuites/@errors')?.content).toBe('0');
      expect(doc.find('//testcase').length).toBe(report.results.length);
    } finally {
      doc.dispose();
    }
  });

  it('fails against a mock started with another namespace, with a readable drift report', async () => {
    const { done } = ccmProcess(['conformance', '--endpoint', deviating.endpoint, '--quiet'], CREDENTIALS);
    const run = await done;
    expect(run.code).toBe(EXIT.CHECKS_FAILED);
    expect(run.stdout).toContain(
      [
        '          1 structural difference from wsdl/EPKIManager.wsdl',
        '          targetNamespace: ccm-mock has http://ws.epki.comodo.com/, endpoint has http://smime.ws.epki.comodo.com/',
        '              fix: serve the mock with --namespace http://smime.ws.epki.comodo.com/ (CCM_MOCK_NAMESPACE), and give clients the same namespace (ccm --namespace, CcmClient { namespace })',
      ].join('\n'),
    );
    expect(run.stdout).toMatch(/FAIL {4}wsdl-drift/);
    expect(run.stdout).toMatch(/namespace http:\/\/smime\.ws\.epki\.comodo\.com\/ \(from the endpoint's WSDL\)/);
    expect(run.stdout).toMatch(/-> NOT CONFORMANT/);
    // the other read-only checks ran in the endpoint's namespace and passed: the report pins the difference down
    expect(run.stdout.match(/^ {2}FAIL/gm)).toHaveLength(1);
  });

  it('given our namespace explicitly, every call against that endpoint fails as a SOAP fault would', async () => {
    const { done } = ccmProcess(
      [
        'conformance',
        '--endpoint',
        deviating.endpoint,
        '--namespace',
        'http://ws.epki.comodo.com/',
        '--only',
        'web-service-info',
        '--json',
      ],
      CREDENTIALS,
    );
    const run = await done;
    expect(run.code).toBe(EXIT.CHECKS_FAILED);
    const Results = z.object({ results: z.array(z.object({ status: z.string(), message: z.string() })) });
    const [result] = shaped(Results, run.json).results;
    expect(result.status).toBe('error');
    expect(result.message).toMatch(
      /CcmFaultError: .*Cannot find dispatch method for \{http:\/\/ws\.epki\.comodo\.com\/\}getWebServiceInfo/,
    );
  });
});
