import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml, orderXml } from '../support/soap.js';

/**
 * The admin page as HTML over HTTP (the real-browser test is test/browser/, run by `npm run test:browser`):
 * what it lists, that its forms act and redirect, and that it escapes and refuses cross-site posts.
 */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'page' });
});
afterAll(() => mock.close());

const enroll = async (email: string, username = 'Alice Example') =>
  (await call(mock.endpoint, 'enroll', enrollXml({ email, username, csr: readCsr() }))).code;
const page = async (path: string) => {
  const res = await fetch(mock.url + path);
  return { status: res.status, html: await res.text(), type: res.headers.get('content-type') };
};
/** A form POST as a browser sends it from the page: form-encoded, with the page's Origin. */
const post = (path: string, body: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  fetch(mock.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: mock.url, ...headers },
    body: new URLSearchParams(body),
  });

describe('the admin page over HTTP', () => {
  it('lists orders with state, email, username and serial, and the run panel', async () => {
    const n = await enroll('page@example.com', '<script>alert(1)</script>');
    const { status, html, type } = await page('/admin');
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/html/);
    expect(html).toContain(`<tr data-order="${n}">`);
    expect(html).toContain('page@example.com');
    expect(html).toContain(mock.store.get(n)!.certificate!.serial);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('<dd class="mono" id="seed">page</dd>');
    expect(html).toContain('href="/ca/root.pem"');
  });

  it('filters by email and state', async () => {
    const a = await enroll('filter-a+delay1h@example.com');
    const b = await enroll('filter-b@example.com');
    const byState = (await page('/admin?state=processing')).html;
    expect(byState).toContain(`data-order="${a}"`);
    expect(byState).not.toContain(`data-order="${b}"`);
    const byEmail = (await page('/admin?email=filter-b%40example.com')).html;
    expect(byEmail).toContain(`data-order="${b}"`);
    expect(byEmail).not.toContain(`data-order="${a}"`);
  });

  it('shows an order with its actions; a form POST acts and redirects back', async () => {
    const n = await enroll('page-act+delay1h@example.com');
    const detail = (await page(`/admin/orders/${n}`)).html;
    expect(detail).toContain(`action="/admin/orders/${n}/approve"`);
    expect(detail).toContain(`action="/admin/orders/${n}/reject"`);
    expect(detail).not.toContain(`action="/admin/orders/${n}/revoke"`);
    const res = await post(`/admin/orders/${n}/approve`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`^/admin/orders/${n}\\?done=`));
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(1);
    const again = await post(`/admin/orders/${n}/approve`);
    expect(new URL(again.headers.get('location')!, mock.url).searchParams.get('error')).toMatch(/^cannot approve/);
    expect((await page('/admin/orders/999999')).status).toBe(404);
  });

  it('the Reject button rejects: its form POST redirects back and SOAP collect then answers -20', async () => {
    const n = await enroll('page-reject+delay1h@example.com');
    const detail = (await page(`/admin/orders/${n}`)).html;
    const form = new RegExp(
      `<form method="post" action="(/admin/orders/${n}/reject)" class="inline"><button class="danger">Reject</button></form>`,
    ).exec(detail);
    expect(form).not.toBeNull();
    expect((await call(mock.endpoint, 'collect', orderXml(n))).code).toBe(0);
    const res = await post(form![1]);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`^/admin/orders/${n}\\?done=`));
    const collected = await call(mock.endpoint, 'collect', orderXml(n));
    expect(collected.schemaProblems).toEqual([]);
    expect(collected.code).toBe(-20);
    expect((await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code).toBe(-20);
    const after = (await page(`/admin/orders/${n}`)).html;
    expect(after).not.toContain(`action="/admin/orders/${n}/reject"`);
    expect(after).toContain('rejected');
  });

  it('refuses a cross-site POST', async () => {
    const n = await enroll('csrf+delay1h@example.com');
    expect((await post(`/admin/orders/${n}/approve`, {}, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(`/admin/orders/${n}/approve`, {}, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect(mock.store.get(n)!.state).toBe('processing');
  });

  it('advances the clock and clears faults from the panel', async () => {
    const before = mock.clock.offset;
    expect((await post('/admin/clock/advance', { by: '2h' })).status).toBe(303);
    expect(mock.clock.offset - before).toBe(7_200_000);
    mock.admin.queueFault({ customer: 'sandbox', code: -14, count: 3 });
    expect((await page('/admin')).html).toContain('Queued faults (1)');
    await post('/admin/faults/clear');
    expect(mock.admin.faults()).toEqual([]);
  });
});
