import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcmClient } from '../../client/client.js';
import type { ReplayReport } from '../../client/conformance/replay.js';
import { restoreRequest } from '../../client/conformance/replay.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { createProxyServer, type ProxyServer } from '../../server/proxy/proxy.js';
import { ccm } from '../support/ccm-processes.js';
import { readCsr } from '../support/fixtures.js';
import { LIVE, liveMock } from '../support/live-upstream.js';
import { tempDir } from '../support/openssl.js';

/**
 * `ccm conformance --recording DIR`: what the proxy recorded, sent again with the credentials put back from
 * the CCM_* variables, and compared by structure with the recorded answers - against the same service (the
 * same answers), and against a mock with another wire profile (every difference named).
 */

let live: MockServer;
let other: MockServer;
let proxy: ProxyServer;
const work = tempDir();
const recordDir = join(work, 'recordings');
const creds = {
  CCM_LOGIN: LIVE.auth.login,
  CCM_PASSWORD: LIVE.auth.password,
  CCM_CUSTOMER_URI: LIVE.auth.customerLoginUri,
  CCM_SECRET_KEY: LIVE.secretKey,
};

beforeAll(async () => {
  live = await liveMock();
  other = await createMockServer({ ca: live.ca });
  proxy = await createProxyServer({ upstream: live.endpoint, recordDir });
  const c = new CcmClient({
    endpoint: proxy.endpoint,
    namespace: LIVE.namespace,
    auth: { ...LIVE.auth },
    orgId: LIVE.orgId,
    secretKey: LIVE.secretKey,
  });
  await c.getWebServiceInfo();
  await c.getKUTemplates();
  const order = await c.enroll({ username: 'Replay Me', email: `replay@${LIVE.emailDomain}`, csr: readCsr() });
  await c.getCollectStatus(order);
  await c.collect(order);
  await c.revoke(order, '');
  await proxy.settled();
  await proxy.observer.flush();
});
afterAll(async () => {
  await proxy?.close();
  await live?.close();
  await other?.close();
  rmSync(work, { recursive: true, force: true });
});

const replay = async (endpoint: string, extra: string[] = [], env: Record<string, string> = creds) => {
  const r = await ccm(['conformance', '--recording', recordDir, '--endpoint', endpoint, '--json', ...extra], env);
  return { ...r, report: r.json as ReplayReport };
};
const outcomes = (report: ReplayReport) => report.results.map((r) => [r.operation, r.outcome]);

describe('ccm conformance --recording', () => {
  it('against the service it was recorded from: the same answers, except where the order moved on; enroll and revoke wait for permission', async () => {
    const { code, report } = await replay(live.endpoint);
    expect(outcomes(report)).toEqual([
      ['getWebServiceInfo', 'same'],
      ['getKUTemplates', 'same'],
      ['enroll', 'skipped'],
      ['getCollectStatus', 'different'],
      ['collect', 'different'],
      ['revoke', 'skipped'],
    ]);
    // the order was revoked after it was recorded as issued: the status codes say so, and nothing else differs
    expect(report.results[3].details).toEqual(['status code: recorded 1, now -21']);
    expect(report.results[4].details).toEqual([
      'status code: recorded 1, now -21',
      'element 3: recorded /return/certificate, now (none)',
    ]);
    expect(report.results[2].details).toEqual(['it may issue a certificate: give --allow-issue to replay it']);
    expect(code).toBe(1);
  });

  it('an enroll whose e-mail, name and CSR were redacted cannot be sent again: it says which --record-keep keeps them', async () => {
    const { report } = await replay(live.endpoint, ['--allow-issue', '--allow-revoke']);
    expect(report.results.find((r) => r.operation === 'enroll')?.details).toEqual([
      'the recording redacted <username>, <email>, <csr>: record with --record-keep username,email,csr to replay it',
    ]);
    expect(report.results.find((r) => r.operation === 'revoke')).toMatchObject({ outcome: 'different' });
  });

  it('against a mock with another namespace: every call answers differently, and says how', async () => {
    const { code, stdout } = await ccm(['conformance', '--recording', recordDir, '--endpoint', other.endpoint], creds);
    expect(code).toBe(1);
    expect(stdout).toContain(`answer: recorded {${LIVE.namespace}}getWebServiceInfoResponse, now fault S:Client`);
    expect(stdout).toMatch(/0 same, 4 different, 0 failed, 2 skipped/);
  });

  it('without the credentials the recording redacted, nothing is sent', async () => {
    const { report } = await replay(live.endpoint, [], { CCM_LOGIN: LIVE.auth.login });
    expect(report.results.find((r) => r.operation === 'getCollectStatus')?.details).toEqual([
      'the recording redacted credentials that are not given: --password / CCM_PASSWORD, --customer-uri / CCM_CUSTOMER_URI',
    ]);
    // getWebServiceInfo carries no credentials: it is replayed all the same
    expect(report.results[0]).toMatchObject({ operation: 'getWebServiceInfo', outcome: 'same' });
  });

  it('puts the credentials back byte for byte where the recording redacted them, escaped', () => {
    const file = readdirSync(recordDir).find((f) => f.endsWith('-getCollectStatus.request.xml'))!;
    const recorded = readFileSync(join(recordDir, file));
    const restored = restoreRequest(recorded, { ...LIVE.auth, password: 'a<b&"c' }) as Buffer;
    expect(restored.toString()).toBe(
      recorded
        .toString()
        .replace('<login>[redacted]</login>', `<login>${LIVE.auth.login}</login>`)
        .replace('<password>[redacted]</password>', '<password>a&lt;b&amp;&quot;c</password>')
        .replace(
          '<customerLoginUri>[redacted]</customerLoginUri>',
          `<customerLoginUri>${LIVE.auth.customerLoginUri}</customerLoginUri>`,
        ),
    );
  });

  it('a directory without recordings is a usage error', async () => {
    const r = await ccm(['conformance', '--recording', work, '--endpoint', live.endpoint], creds);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${work} holds no recorded exchange`);
  });
});
