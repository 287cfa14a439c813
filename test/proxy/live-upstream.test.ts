import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcmClient } from '../../client/client.js';
import { CcmStatusError } from '../../client/errors.js';
import type { ProxyServer } from '../../server/proxy/proxy.js';
import { PROFILE_SCHEMA } from '../../server/profile-file.js';
import type { ReportState } from '../../server/proxy/report.js';
import { SERVICE_PATH } from '../../wsdl/contract.js';
import type { RecordingMeta } from '../../wsdl/recording.js';
import { readCsr } from '../support/fixtures.js';
import { LIVE, proxyBetweenTaps, soapAnswers, type ProxyBetweenTaps, type Tap } from '../support/live-upstream.js';
import { tempDir } from '../support/openssl.js';
import { startServe } from '../support/cli-process.js';
import { authXml, envelope, ORG, post, SANDBOX } from '../support/soap.js';

/**
 * The proxy in front of a "live" service (a second ccm-mock with another namespace, x509 certificates and
 * accounts of its own): the project's client, pointed at the proxy, runs every operation; what it gets is
 * byte for byte what the upstream sent (a tap on each side of the proxy compares them); the WSDL comes back
 * with its soap:address pointing at the proxy; and nothing the proxy writes holds the upstream's password or
 * secret key.
 */

let setup: ProxyBetweenTaps;
let upstreamSide: Tap;
let clientSide: Tap;
let proxy: ProxyServer;
const work = tempDir();
const recordDir = join(work, 'recordings');
const reportFile = join(work, 'report.md');
const profileOutFile = join(work, 'profile.json');

beforeAll(async () => {
  setup = await proxyBetweenTaps({ recordDir, reportFile, profileOutFile });
  ({ upstreamSide, clientSide, proxy } = setup);
});
afterAll(async () => {
  await setup?.close();
  rmSync(work, { recursive: true, force: true });
});

const client = () =>
  new CcmClient({
    endpoint: clientSide.url + SERVICE_PATH,
    namespace: LIVE.namespace,
    auth: { ...LIVE.auth },
    orgId: LIVE.orgId,
    secretKey: LIVE.secretKey,
  });

describe('the typed client through the proxy', () => {
  it('runs all nine operations, and gets byte for byte what the upstream answered', async () => {
    const c = client();
    expect(await c.getWebServiceInfo()).toBe(LIVE.serviceInfo);
    expect((await c.getKUTemplates()).map((t) => t.shortName)).toEqual(['live-smime']);
    const email = `someone@${LIVE.emailDomain}`;
    const order = await c.enroll({ username: 'Some One', email, csr: readCsr() });
    const order2 = await c.enroll({ username: 'Some One', email, csr: readCsr(), templates: ['live-smime'] });
    expect(await c.getCollectStatus(order)).toBe(1);
    const collected = await c.collect(order);
    expect(collected).toMatchObject({ ready: true, code: 1, certificate: { format: 'x509' } });
    await c.revoke(order, 'key compromise');
    const second = await c.collect(order2);
    if (!second.ready) throw new Error('the second order is not issued');
    await c.revokeBySerialNumber(second.certificate.serialNumber);
    const third = await c.enroll({ username: 'Other Person', email: `other@${LIVE.emailDomain}`, csr: readCsr() });
    await c.revokeAllByPerson({ email: `other@${LIVE.emailDomain}`, org: LIVE.orgName });
    await expect(c.getCollectStatus(third)).rejects.toMatchObject({ code: -21 });
    const wrong = new CcmClient({
      endpoint: clientSide.url + SERVICE_PATH,
      namespace: LIVE.namespace,
      auth: { ...LIVE.auth, password: 'not-the-password' },
    });
    await expect(wrong.getCollectStatus(order)).rejects.toBeInstanceOf(CcmStatusError);

    const got = soapAnswers(clientSide.answers);
    expect(got).toHaveLength(13);
    expect(got).toEqual(soapAnswers(upstreamSide.answers));
  });

  it('a fault (a wrapper in the mock default namespace, which the upstream does not serve) comes back unchanged', async () => {
    const before = upstreamSide.answers.length;
    const fault = await post(clientSide.url + SERVICE_PATH, envelope('getWebServiceInfo'));
    expect(fault.status).toBe(500);
    expect(fault.fault).toEqual({
      code: 'S:Client',
      string: 'Cannot find dispatch method for {http://ws.epki.comodo.com/}getWebServiceInfo',
    });
    expect(fault.text).toBe(upstreamSide.answers[before].body.toString('utf8'));
  });
});

describe('what the caller sends', () => {
  it('reaches the upstream unchanged: a gzip body stays compressed, Content-Type and SOAPAction as sent; it is recorded inflated', async () => {
    const body = envelope('getWebServiceInfo', '', LIVE.namespace);
    const res = await fetch(clientSide.url + SERVICE_PATH, {
      method: 'POST',
      body: gzipSync(body),
      headers: { 'Content-Type': 'text/xml; charset=UTF-8', 'Content-Encoding': 'gzip', SOAPAction: '"urn:x"' },
    });
    expect(res.status).toBe(200);
    const seen = upstreamSide.answers.at(-1)!;
    expect(seen.requestHeaders).toMatchObject({
      'content-type': 'text/xml; charset=UTF-8',
      'content-encoding': 'gzip',
      soapaction: '"urn:x"',
    });
    expect(gunzipSync(seen.requestBody).toString()).toBe(body);
    expect(seen.requestBody.equals(clientSide.answers.at(-1)!.requestBody)).toBe(true);
    await proxy.settled();
    await proxy.observer.flush();
    const recorded = readdirSync(recordDir)
      .filter((f) => f.endsWith('-getWebServiceInfo.request.xml'))
      .sort()
      .at(-1)!;
    expect(readFileSync(join(recordDir, recorded), 'utf8')).toBe(body);
  });
});

describe('the WSDL through the proxy', () => {
  it("is the upstream's, with soap:address pointing at the proxy as the client reached it", async () => {
    const res = await fetch(`${clientSide.url}${SERVICE_PATH}?wsdl`);
    expect(res.status).toBe(200);
    const proxied = await res.text();
    const original = upstreamSide.answers.at(-1)!;
    expect(original.url).toBe(`${SERVICE_PATH}?wsdl`);
    const upstreamText = original.body.toString('utf8');
    expect(upstreamText).toContain(`<soap:address location="${upstreamSide.url}${SERVICE_PATH}"/>`);
    expect(proxied).toBe(
      upstreamText.replace(`${upstreamSide.url}${SERVICE_PATH}`, `${clientSide.url}${SERVICE_PATH}`),
    );
    expect(proxied).toContain(`targetNamespace="${LIVE.namespace}"`);
  });
});

describe('the report and the learned profile', () => {
  it('the report names the namespace and certificate-format differences, with the settings that fix them', async () => {
    await proxy.settled();
    await proxy.observer.flush();
    const md = readFileSync(reportFile, 'utf8');
    expect(md).toContain(
      `| the response wrapper's namespace (exchange 1, 2, 3, 4, 5) | http://ws.epki.comodo.com/ / ${LIVE.namespace} |`,
    );
    expect(md).toContain(`--namespace ${LIVE.namespace}`);
    expect(md).toMatch(
      /\| collect \| response \| collect's certificate is x509 \(exchange 6, 8\) \| pkcs7 \/ x509 \| serve the mock with --cert-format x509/,
    );
    const json = JSON.parse(readFileSync(reportFile.replace(/\.md$/, '.json'), 'utf8')) as ReportState;
    // the client's own traffic is what the contract describes: nothing else to report
    expect([...new Set(json.findings.map((f) => f.class))].sort()).toEqual([
      'certificate-format',
      'namespace',
      'service-info',
    ]);
  });

  it('the learned profile holds what the traffic showed, and ccm-mock serve --profile speaks it', async () => {
    await proxy.settled();
    await proxy.observer.flush();
    const learned = PROFILE_SCHEMA.parse(JSON.parse(readFileSync(profileOutFile, 'utf8')));
    // nothing in the client's traffic said anything about the URI alias or strictness: left out, not guessed
    expect(learned.settings).toEqual({
      namespace: LIVE.namespace,
      certificateFormat: 'x509',
      serviceInfo: LIVE.serviceInfo,
      validityDays: 365,
    });
    expect(learned.evidence.namespace?.contradicting).toBe(0);
    expect(learned.evidence.namespace?.observations).toBeGreaterThan(10);

    const served = await startServe(['--profile', profileOutFile, '--delay', '0']);
    try {
      const wsdl = await (await fetch(`${served.endpoint}?wsdl`)).text();
      expect(wsdl).toContain(`targetNamespace="${LIVE.namespace}"`);
      const c = new CcmClient({
        endpoint: served.endpoint,
        namespace: LIVE.namespace,
        auth: { ...SANDBOX },
        orgId: ORG.orgId,
        secretKey: ORG.secretKey,
      });
      expect(await c.getWebServiceInfo()).toBe(LIVE.serviceInfo);
      const order = await c.enroll({ username: 'Profile Check', email: 'profile@example.com', csr: readCsr() });
      expect(await c.collect(order)).toMatchObject({ ready: true, certificate: { format: 'x509' } });
      expect(served.lines().join('\n')).toContain(`(learned profile ${profileOutFile})`);
    } finally {
      await served.stop('SIGKILL');
    }
  }, 60_000);
});

describe('what the proxy writes', () => {
  it('records each exchange as request, response and metadata files, redacted, tags byte for byte', async () => {
    const body = envelope(
      'getCollectStatus',
      `${authXml({ ...LIVE.auth })}<orderNumber>424242</orderNumber>`,
      LIVE.namespace,
    );
    await post(clientSide.url + SERVICE_PATH, body, {}, LIVE.namespace);
    await proxy.settled();
    await proxy.observer.flush();
    const files = readdirSync(recordDir).sort();
    const last = files.filter((f) => f.endsWith('-getCollectStatus.request.xml')).at(-1)!;
    expect(readFileSync(join(recordDir, last), 'utf8')).toBe(
      body
        .replace(`>${LIVE.auth.password}<`, '>[redacted]<')
        .replace(`>${LIVE.auth.login}<`, '>[redacted]<')
        .replace(`>${LIVE.auth.customerLoginUri}<`, '>[redacted]<'),
    );
    const meta = JSON.parse(
      readFileSync(join(recordDir, last.replace('.request.xml', '.json')), 'utf8'),
    ) as RecordingMeta;
    expect(meta).toMatchObject({
      operation: 'getCollectStatus',
      request: { method: 'POST', url: SERVICE_PATH, headers: { soapaction: '""' } },
      response: { status: 200, from: 'upstream', headers: { 'content-type': 'text/xml;charset=utf-8' } },
      requestFile: last,
    });
    expect(typeof meta.timing.totalMs).toBe('number');
    expect(typeof meta.timing.upstreamTotalMs).toBe('number');
    // every operation got its file set
    for (const op of [
      'getWebServiceInfo',
      'getKUTemplates',
      'enroll',
      'enrollUsingKUTemplates',
      'collect',
      'revoke',
      'revokeBySerialNumber',
      'revokeAllByPerson',
    ])
      expect(files.some((f) => f.endsWith(`-${op}.response.xml`))).toBe(true);
  });

  it('holds neither the password nor the secret key anywhere: recordings, report, profile', async () => {
    await proxy.settled();
    await proxy.observer.flush();
    const written = [
      ...readdirSync(recordDir).map((f) => join(recordDir, f)),
      reportFile,
      reportFile.replace(/\.md$/, '.json'),
      profileOutFile,
    ];
    expect(written.length).toBeGreaterThan(30);
    for (const file of written) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(LIVE.auth.password);
      expect(text, file).not.toContain(LIVE.secretKey);
    }
  });
});
