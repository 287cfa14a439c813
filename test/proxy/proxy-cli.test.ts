import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../server/mock-server.js';
import { createProxyServer } from '../../server/proxy/proxy.js';
import type { ReportState } from '../../server/proxy/report.js';
import { SERVICE_PATH } from '../../wsdl/contract.js';
import { startCli, type ServeProcess } from '../support/cli-process.js';
import { readCsr } from '../support/fixtures.js';
import { LIVE, liveMock } from '../support/live-upstream.js';
import { tempDir } from '../support/openssl.js';
import { authXml, envelope, post, xmlEl } from '../support/soap.js';
import { makeTestPki, tlsRelay, type TestPki } from '../support/tls-relay.js';

/**
 * `ccm-mock proxy` as people run it, in front of an HTTPS upstream: trusted through NODE_EXTRA_CA_CERTS, with
 * the guide's client-certificate login (--upstream-cert/--upstream-key), its logs free of secrets even at
 * debug level, and its report complete when it stops.
 */

let live: MockServer;
let pki: TestPki;
let serverAuth: Awaited<ReturnType<typeof tlsRelay>>;
let clientAuth: Awaited<ReturnType<typeof tlsRelay>>;
let withCert: ServeProcess;
let withoutCert: ServeProcess;
const work = tempDir();
const reportFile = join(work, 'report.md');

beforeAll(async () => {
  live = await liveMock();
  pki = makeTestPki(work);
  serverAuth = await tlsRelay(live.url, pki);
  clientAuth = await tlsRelay(live.url, pki, { requireClientCert: true });
  const env = { NODE_EXTRA_CA_CERTS: pki.caPem };
  // one after the other: two starts at once on a loaded machine can take longer than the start is given
  withCert = await startCli(
    'proxy',
    [
      '--upstream',
      clientAuth.url + SERVICE_PATH,
      '--upstream-cert',
      pki.clientCert,
      '--upstream-key',
      pki.clientKey,
      '--report',
      reportFile,
      '--log-level',
      'debug',
    ],
    env,
  );
  withoutCert = await startCli('proxy', ['--upstream', clientAuth.url + SERVICE_PATH], env);
}, 90_000);
afterAll(async () => {
  await withCert?.stop('SIGKILL');
  await withoutCert?.stop('SIGKILL');
  await serverAuth?.close();
  await clientAuth?.close();
  await live?.close();
  rmSync(work, { recursive: true, force: true });
});

const info = envelope('getWebServiceInfo', '', LIVE.namespace);

describe('an HTTPS upstream', () => {
  it('trusted through NODE_EXTRA_CA_CERTS and logged in with a client certificate: calls go through, /readyz is ready', async () => {
    const answer = await post(withCert.endpoint, info, {}, LIVE.namespace);
    expect(answer.status).toBe(200);
    expect(answer.returns).toEqual([LIVE.serviceInfo]);
    const ready = await fetch(`${withCert.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { upstream: 'ok' } });
  });

  it('without the client certificate it asks for: HTTP 502 with a SOAP Server fault', async () => {
    const answer = await post(withoutCert.endpoint, info, {}, LIVE.namespace);
    expect(answer.status).toBe(502);
    expect(answer.fault?.code).toBe('S:Server');
    expect(answer.fault?.string).toMatch(
      /^the upstream https:\/\/127\.0\.0\.1:\d+ (closed the connection|TLS)|TLS with the upstream/,
    );
  });

  it('whose certificate this process does not trust: HTTP 502 naming the TLS failure', async () => {
    const untrusted = await createProxyServer({ upstream: serverAuth.url + SERVICE_PATH });
    try {
      const answer = await post(untrusted.endpoint, info, {}, LIVE.namespace);
      expect(answer.status).toBe(502);
      expect(answer.fault?.code).toBe('S:Server');
      expect(answer.fault?.string).toMatch(
        /^TLS with the upstream https:\/\/127\.0\.0\.1:\d+ failed: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/,
      );
    } finally {
      await untrusted.close();
    }
  });
});

describe('ccm-mock proxy, the process', () => {
  it('logs one line per exchange and never the upstream password or secret key, even at debug level', async () => {
    const enroll = envelope(
      'enroll',
      authXml({ ...LIVE.auth }) +
        xmlEl('orgId', LIVE.orgId) +
        xmlEl('secretKey', LIVE.secretKey) +
        xmlEl('username', 'Log Check') +
        xmlEl('email', `log-check@${LIVE.emailDomain}`) +
        xmlEl('csr', readCsr()),
      LIVE.namespace,
    );
    const enrolled = await post(withCert.endpoint, enroll, {}, LIVE.namespace);
    expect(enrolled.code).toBeGreaterThan(0);
    // a malformed request too: the fault text the upstream answers must not carry the secret into a log either
    const broken = enroll.replace('</ns0:enroll>', '<x>&nope;</x></ns0:enroll>'); // broken inside the payload
    expect((await post(withCert.endpoint, broken, {}, LIVE.namespace)).status).toBe(500);
    await expect.poll(() => withCert.logs().filter((l) => l.msg === 'proxied').length).toBe(3);
    const line = withCert.logs().find((l) => l.msg === 'proxied' && l.operation === 'enroll');
    expect(line?.status).toBe(200);
    expect(typeof line?.latencyMs).toBe('number');
    expect(typeof line?.upstreamMs).toBe('number');
    const everything = withCert.lines().join('\n') + withCert.stderr();
    expect(everything).not.toContain(LIVE.auth.password);
    expect(everything).not.toContain(LIVE.secretKey);
  });

  it('writes the report at exit: SIGTERM, exit code 0, the JSON complete', async () => {
    const { code } = await withCert.stop('SIGTERM');
    expect(code).toBe(0);
    expect(existsSync(reportFile)).toBe(true);
    const json = JSON.parse(readFileSync(reportFile.replace(/\.md$/, '.json'), 'utf8')) as ReportState & {
      format: string;
    };
    expect(json.format).toBe('ccm-mock-proxy-report');
    expect(json.exchanges.total).toBe(3);
    expect(readFileSync(reportFile, 'utf8')).toMatch(/^# ccm-mock proxy report/);
  });
});
