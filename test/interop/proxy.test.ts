import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyServer } from '../../server/proxy/proxy.js';
import type { ReportState } from '../../server/proxy/report.js';
import { SERVICE_PATH } from '../../wsdl/contract.js';
import { csrPath } from '../support/fixtures.js';
import { LIVE, proxyBetweenTaps, soapAnswers, type ProxyBetweenTaps, type Tap } from '../support/live-upstream.js';
import { tempDir } from '../support/openssl.js';

/**
 * python-zeep (Debian's python3-zeep, strict WSDL parsing), pointed at the proxy's WSDL, runs all nine operations
 * against a "live" service behind the proxy (a second ccm-mock with another namespace, x509 certificates and its
 * own accounts): zeep gets byte for byte what the upstream answered (a tap on each side of the proxy), and the
 * proxy's recordings and report hold neither the password nor the secret key.
 */

let setup: ProxyBetweenTaps;
let upstreamSide: Tap;
let clientSide: Tap;
let proxy: ProxyServer;
const work = tempDir();
const recordDir = join(work, 'recordings');
const reportFile = join(work, 'report.md');

beforeAll(async () => {
  setup = await proxyBetweenTaps({ recordDir, reportFile });
  ({ upstreamSide, clientSide, proxy } = setup);
});
afterAll(async () => {
  await setup?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('python-zeep through the proxy', () => {
  it('loads the WSDL from the proxy, calls all nine operations through it, and gets what the upstream answered', async () => {
    const { stdout } = await promisify(execFile)(
      '/usr/bin/python3',
      [
        join(import.meta.dirname, 'clients', 'zeep_client.py'),
        `${clientSide.url}${SERVICE_PATH}?wsdl`,
        csrPath('rsa-2048.csr'),
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          CCM_LOGIN: LIVE.auth.login,
          CCM_PASSWORD: LIVE.auth.password,
          CCM_CUSTOMER_URI: LIVE.auth.customerLoginUri,
          CCM_ORG_ID: String(LIVE.orgId),
          CCM_SECRET_KEY: LIVE.secretKey,
          CCM_EMAIL_DOMAIN: LIVE.emailDomain,
          CCM_ORG_NAME: LIVE.orgName,
          CCM_TEMPLATE: 'live-smime',
        },
      },
    );
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      getWebServiceInfo: LIVE.serviceInfo,
      getKUTemplates: ['live-smime'],
      getCollectStatus: 1,
      collect: { statusCode: 1, hasCertificate: true },
      revoke: 0,
      revokeBySerialNumber: 0,
      revokeAllByPerson: 0,
      afterRevokeAll: -21,
      badAuth: -100,
    });
    expect(out.enroll).toBeGreaterThan(0);
    expect(out.enrollUsingKUTemplates).toBeGreaterThan(0);
    // zeep called through the proxy (the WSDL's soap:address pointed there), and got the upstream's bytes
    const got = soapAnswers(clientSide.answers);
    expect(got.length).toBeGreaterThanOrEqual(13);
    expect(got).toEqual(soapAnswers(upstreamSide.answers));
  });

  it("the recordings and the report hold neither the upstream's password nor its secret key", async () => {
    await proxy.settled();
    await proxy.observer.flush();
    const files = [
      ...readdirSync(recordDir).map((f) => join(recordDir, f)),
      reportFile,
      reportFile.replace(/\.md$/, '.json'),
    ];
    expect(files.length).toBeGreaterThan(39);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(LIVE.auth.password);
      expect(text, file).not.toContain(LIVE.secretKey);
    }
    const report = JSON.parse(readFileSync(reportFile.replace(/\.md$/, '.json'), 'utf8')) as ReportState;
    expect(report.exchanges.byOperation).toMatchObject({ enroll: 2, enrollUsingKUTemplates: 1, revokeAllByPerson: 1 });
  });
});
