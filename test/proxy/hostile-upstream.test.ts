import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyServer, type ProxyServer } from '../../server/proxy/proxy.js';
import { closedPortUrl } from '../support/fake-endpoints.js';
import { hostileUpstream, type HostileBehaviour, type HostileUpstream } from '../support/hostile-upstream.js';
import { envelope } from '../support/soap.js';

/**
 * The proxy in front of an upstream that misbehaves: whatever it does, the caller gets an answer - the
 * upstream's own when it is HTTP (an HTML error page, invalid XML and a wrong Content-Type pass through
 * unchanged, and are reported), else a SOAP 1.1 Server fault with 502, or 504 for the deadline - and the proxy
 * keeps serving.
 */

let hostile: HostileUpstream;
let proxy: ProxyServer;
/** the same with a short deadline (configuration, not a sleep): the stalling cases end when it passes */
let impatient: ProxyServer;
beforeAll(async () => {
  hostile = await hostileUpstream();
  proxy = await createProxyServer({ upstream: hostile.url });
  impatient = await createProxyServer({ upstream: hostile.url, upstreamTimeoutMs: 300 });
});
afterAll(async () => {
  await proxy?.close();
  await impatient?.close();
  await hostile?.close();
});

const BODY = envelope('getWebServiceInfo');

async function call(behaviour: HostileBehaviour, target = proxy.endpoint) {
  const res = await fetch(`${target}?hostile=${behaviour}`, {
    method: 'POST',
    body: BODY,
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' },
  });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

const serverFault = (reason: RegExp) =>
  new RegExp(`<faultcode>S:Server</faultcode><faultstring>${reason.source}[^<]*</faultstring>`);

describe('an upstream that fails gets the caller a SOAP 1.1 Server fault with a one-line reason', () => {
  it.each([
    ['stall', 504, /the upstream http:\/\/127\.0\.0\.1:\d+ did not answer within 300 ms/],
    ['stall-mid-body', 504, /the upstream .* did not answer within 300 ms/],
  ] as const)('%s: HTTP %i, once the deadline has passed', async (behaviour, status, reason) => {
    const answer = await call(behaviour, impatient.endpoint);
    expect(answer.status).toBe(status);
    expect(answer.contentType).toBe('text/xml;charset=utf-8');
    expect(answer.text).toMatch(serverFault(reason));
    await impatient.settled();
    expect(impatient.observer.findings.list().map((f) => `${f.class}: ${f.summary}`)).toContain('transport: timeout');
  });

  it.each([
    ['reset', 502, /the upstream .* closed the connection/],
    ['reset-mid-body', 502, /the upstream .* closed the connection/],
    ['huge', 502, /the upstream .* answered more than 8388608 bytes/],
    ['not-http', 502, /the upstream .* did not answer valid HTTP \(HPE_/],
  ] as const)('%s: HTTP %i', async (behaviour, status, reason) => {
    const answer = await call(behaviour);
    expect(answer.status).toBe(status);
    expect(answer.contentType).toBe('text/xml;charset=utf-8');
    expect(answer.text).toMatch(serverFault(reason));
    expect(answer.text).not.toContain('\n');
  });

  it('an unreachable upstream: 502 naming ECONNREFUSED', async () => {
    const nowhere = await createProxyServer({ upstream: await closedPortUrl() });
    try {
      const answer = await call('stall', nowhere.endpoint);
      expect(answer.status).toBe(502);
      expect(answer.text).toMatch(serverFault(/the upstream http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED/));
      const ready = await fetch(`${nowhere.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { status: string; checks: { upstream: string } };
      expect(body.status).toBe('not ready');
      expect(body.checks.upstream).toContain('is unreachable: ECONNREFUSED');
    } finally {
      await nowhere.close();
    }
  });
});

describe('an upstream that answers HTTP, however odd, is passed through unchanged', () => {
  it('an HTML 500 page', async () => {
    const answer = await call('html-500');
    expect(answer).toEqual({
      status: 500,
      contentType: 'text/html',
      text: '<html><body><h1>500 Internal Server Error</h1><p>upstream maintenance</p></body></html>',
    });
  });

  it('invalid XML, a wrong Content-Type and an empty 200', async () => {
    expect(await call('invalid-xml')).toMatchObject({
      status: 200,
      text: "<?xml version='1.0'?><S:Envelope><S:Body><ns2:getWebServiceInfoResponse>",
    });
    expect(await call('wrong-content-type')).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(await call('empty-200')).toEqual({ status: 200, contentType: null, text: '' });
  });

  it('each is a finding in the report', async () => {
    await proxy.settled();
    const findings = proxy.observer.findings.list();
    const summaries = findings.map((f) => `${f.class}: ${f.summary}`);
    expect(summaries).toEqual(
      expect.arrayContaining([
        'transport: reset',
        'transport: too-large',
        'transport: protocol',
        'not-soap: HTTP 500 text/html',
        'not-soap: not well-formed XML: Namespace prefix S on Envelope is not defined',
        'not-soap: HTTP 200 application/json',
        'not-soap: HTTP 200 (no Content-Type), empty body',
      ]),
    );
  });
});

describe('the proxy itself', () => {
  it('keeps serving after all of that: /healthz, and a request larger than its limit is refused before forwarding', async () => {
    const health = await fetch(`${proxy.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const before = hostile.seen.length;
    const big = await fetch(proxy.endpoint, {
      method: 'POST',
      body: envelope('getWebServiceInfo', 'x'.repeat(proxy.config.maxBodyBytes + 1)),
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    });
    expect(big.status).toBe(413);
    expect(await big.text()).toContain(
      `<faultcode>S:Client</faultcode><faultstring>Request entity too large: the proxy limit is ${proxy.config.maxBodyBytes} bytes</faultstring>`,
    );
    expect(hostile.seen.length).toBe(before);
  });

  it('answers 404 outside the endpoint and the health paths, without asking the upstream', async () => {
    const before = hostile.seen.length;
    const res = await fetch(`${proxy.url}/admin/api/orders`);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/This is ccm-mock proxy: the endpoint is \/ws\/EPKIManager/);
    expect(hostile.seen.length).toBe(before);
  });
});
