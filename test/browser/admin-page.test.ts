import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { packageRoot } from '../../wsdl/paths.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml, orderXml, SANDBOX, type Auth } from '../support/soap.js';

/**
 * The admin page in a real browser: Debian's chromium driven by playwright-core (`npm run test:browser`;
 * .ci/run installs chromium). A person approves and revokes with clicks; the SOAP side must see it.
 * `npm run docs:screenshot` also writes the screenshots of docs/admin.md (docs/admin-page.png, docs/admin-order.png).
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.CCM_MOCK_SCREENSHOTS
  ? resolve(packageRoot, process.env.CCM_MOCK_SCREENSHOTS)
  : join(tmpdir(), 'ccm-mock-screenshots');

async function screenshot(name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name);
  await page.screenshot({ path, fullPage: true });
  expect(existsSync(path)).toBe(true);
}

let mock: MockServer;
let browser: Browser;
let page: Page;

async function enroll(
  email: string,
  username: string,
  auth: Auth = SANDBOX,
  orgId = 1001,
  secretKey = 'sandbox-secret',
): Promise<number> {
  const answer = await call(
    mock.endpoint,
    'enroll',
    enrollXml({ email, username, csr: readCsr(), auth, orgId, secretKey }),
  );
  expect(answer.code).toBeGreaterThan(0);
  return answer.code;
}
const status = async (n: number) => (await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code;
const collect = async (n: number) => (await call(mock.endpoint, 'collect', orderXml(n))).code;

beforeAll(async () => {
  // never skip: a missing browser is a failure CI must show
  if (!existsSync(CHROMIUM))
    throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mock = await createMockServer({ seed: '5eed0fadm1n' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser?.close();
  await mock?.close();
});

describe('the admin page in chromium', () => {
  it('lists orders, filters them, and approves then revokes one with clicks that the SOAP side sees', async () => {
    await enroll('alice@example.com', 'Alice Example');
    await enroll('bob+payment@example.com', 'Bob Builder');
    await enroll('erin+reject@example.com', 'Erin Rejected');
    await enroll('frank@example.org', 'Frank Second', SANDBOX, 1002, 'second-secret');
    const n = await enroll('dana+delay1h@example.com', 'Dana Waiting');
    expect(await status(n)).toBe(0);

    await page.goto(`${mock.url}/admin`);
    expect(await page.title()).toBe('Orders - ccm-mock admin');
    await expect.poll(() => page.locator('#orders tbody tr').count()).toBe(5);
    expect(await page.locator(`tr[data-order="${n}"] .state`).textContent()).toBe('processing');
    expect(await page.locator('#seed').textContent()).toBe('5eed0fadm1n');

    // filter by email, then by state
    await page.getByLabel('email').fill('dana+delay1h@example.com');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/email=dana/);
    expect(await page.locator('#orders tbody tr').count()).toBe(1);
    await page.goto(`${mock.url}/admin`);
    await page.getByLabel('state').selectOption('awaiting-payment');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/state=awaiting-payment/);
    expect(await page.locator('#orders tbody tr td:nth-child(3)').allTextContents()).toEqual([
      'bob+payment@example.com',
    ]);

    // open the order and approve it
    await page.goto(`${mock.url}/admin`);
    await page.getByRole('link', { name: String(n) }).click();
    await page.waitForURL(`${mock.url}/admin/orders/${n}`);
    expect(await page.locator('#certificate').textContent()).toContain('Not issued');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`order ${n} is now issued`);
    expect(await status(n)).toBe(1);
    const serial = mock.store.get(n)!.certificate!.serial;
    expect(await page.locator('#certificate').textContent()).toContain(serial);
    expect(await page.locator('#certificate').textContent()).toContain('email:dana+delay1h@example.com');
    await screenshot('admin-order.png');

    // revoke it with a reason
    await page.getByLabel('revocation reason').fill('key compromise');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`order ${n} is now revoked`);
    expect(await collect(n)).toBe(-21);
    expect(await page.locator('#history').textContent()).toContain('revoked by admin: key compromise');
    expect(await page.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
  });

  it('marks an order paid, and shows queued faults in the panel', async () => {
    const [bob] = mock.admin.orders({ email: 'bob+payment@example.com' });
    expect(await collect(bob.orderNumber)).toBe(-22);
    await page.goto(`${mock.url}/admin/orders/${bob.orderNumber}`);
    await page.getByRole('button', { name: 'Mark paid' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('is now issued');
    expect(await collect(bob.orderNumber)).toBe(1);

    mock.admin.queueFault({ customer: 'sandbox', operation: 'collect', code: -14, count: 2 });
    mock.admin.queueFault({ customer: 'other', transport: 'http503', rate: 0.1 });
    mock.admin.advanceClock('2h');
    await page.goto(`${mock.url}/admin`);
    expect(await page.locator('#panel-faults h2').textContent()).toBe('Queued faults (2)');
    await screenshot('admin-page.png');

    await page.getByRole('button', { name: 'Clear all faults' }).click();
    await expect.poll(() => page.locator('#panel-faults h2').textContent()).toBe('Queued faults (0)');
    expect(mock.admin.faults()).toEqual([]);
  });

  it('a page on another site cannot act through the browser: forms, no-cors fetches and frames get nothing done', async () => {
    const n = await enroll('csrf-target+delay1h@example.com', 'Csrf Target');
    const target = mock.url;
    // the attacker's page, on another site (localhost is not 127.0.0.1's site)
    const attacker = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<!doctype html><title>attacker</title>
<form id="text" method="post" action="${target}/admin/api/reset" enctype="text/plain" target="sink"><input name='{"x":"' value='"}'></form>
<form id="form" method="post" action="${target}/admin/orders/${n}/approve" target="sink"></form>
<iframe name="sink"></iframe><iframe id="framed" src="${target}/admin"></iframe>
<script>
  // one step after another, each when the last has answered; the title says when all are done
  const sink = document.querySelector('iframe[name=sink]');
  const steps = [
    () => document.getElementById('text').submit(),
    () => document.getElementById('form').submit(),
  ];
  const next = () => {
    const step = steps.shift();
    if (step) step();
    else Promise.allSettled([
      fetch('${target}/admin/api/reset', { method: 'POST', mode: 'no-cors', body: '{}' }),
      fetch('${target}/admin/api/reset', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{}' }),
    ]).then(() => { document.title = 'done'; });
  };
  sink.addEventListener('load', next);
  next();
</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const seen: Array<{ url: string; status: number }> = [];
    const onResponse = (r: { url(): string; status(): number }) => seen.push({ url: r.url(), status: r.status() });
    page.on('response', onResponse);
    try {
      await page.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
      await page.waitForFunction("document.title === 'done'");
      expect(mock.store.get(n)?.state).toBe('processing');
      expect(mock.admin.orders({ email: 'csrf-target+delay1h@example.com' })).toHaveLength(1);
      for (const r of seen.filter((x) => x.url.startsWith(target) && x.url !== `${target}/admin`))
        expect([403, 415], r.url).toContain(r.status);
      expect(seen.filter((r) => /\/(reset|approve)$/.test(r.url))).toHaveLength(2); // both forms were posted
      // the admin page refuses to be framed: the frame holds no admin page
      const frame = await (await page.$('#framed'))!.contentFrame();
      expect(frame).not.toBeNull();
      const text = await frame!.evaluate<string>("document.body ? document.body.innerText : ''").catch(() => '');
      expect(text).not.toContain('ccm-mock admin');
    } finally {
      page.off('response', onResponse);
      attacker.close();
    }
  });
});
