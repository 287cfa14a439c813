import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMockServer } from '../../server/mock-server.js';
import { ORDER_DB_FILE } from '../../server/store/open-store.js';
import { SqliteOrderStore } from '../../server/store/sqlite-store.js';
import { certificatesOf } from '../support/certs.js';
import { startServe, type ServeProcess } from '../support/cli-process.js';
import { readCsr } from '../support/fixtures.js';
import { rawRequest } from '../support/http.js';
import { call, enrollXml, orderXml, xmlEl, authXml, type SoapAnswer } from '../support/soap.js';

/**
 * Durable state, proven on the real CLI: `ccm-mock serve --data-dir` killed with SIGKILL (no chance to tidy
 * up) right after answering an enroll, then started again on the same directory.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'ccm-mock-durable-'));
const running: ServeProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  rmSync(dataDir, { recursive: true, force: true });
});

async function serve(): Promise<ServeProcess> {
  const p = await startServe(['--data-dir', dataDir, '--delay', '0']);
  running.push(p);
  return p;
}

function ok(answer: SoapAnswer): SoapAnswer {
  expect(answer.schemaProblems).toEqual([]);
  expect(answer.status).toBe(200);
  return answer;
}

async function enroll(p: ServeProcess, email: string): Promise<number> {
  const n = ok(await call(p.endpoint, 'enroll', enrollXml({ email, csr: readCsr() }))).code;
  expect(n).toBeGreaterThan(0);
  return n;
}

const status = async (p: ServeProcess, n: number) => ok(await call(p.endpoint, 'getCollectStatus', orderXml(n))).code;
const collect = async (p: ServeProcess, n: number) => ok(await call(p.endpoint, 'collect', orderXml(n))).fields;
const revokeSerial = async (p: ServeProcess, serial: string) =>
  ok(
    await call(
      p.endpoint,
      'revokeBySerialNumber',
      authXml() + xmlEl('serialNumber', serial) + xmlEl('reason', 'again'),
    ),
  ).code;
const text = async (url: string) => (await fetch(url)).text();

/** The status answers a +pending3 order gives poll after poll, from an uninterrupted in-memory mock. */
async function pendingSequence(polls: number): Promise<number[]> {
  const mock = await createMockServer();
  try {
    const n = ok(
      await call(mock.endpoint, 'enroll', enrollXml({ email: 'carol+pending3@example.com', csr: readCsr() })),
    ).code;
    const out: number[] = [];
    for (let i = 0; i < polls; i++) out.push(ok(await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code);
    return out;
  } finally {
    await mock.close();
  }
}

describe('durable state with a data directory', () => {
  it('orders, certificates, revocations, scripted progress, the clock and the CA survive a SIGKILL; SIGTERM stops cleanly', async () => {
    const expectedPolls = await pendingSequence(5);
    expect(expectedPolls).toContain(0);
    expect(expectedPolls.at(-1)).toBe(1);

    // first life: an issued order, a revoked one, one halfway through its scripted polls
    const first = await serve();
    const rootPem = await text(first.url + '/ca/root.pem');
    const chainPem = await text(first.url + '/ca/chain.pem');
    const alice = await enroll(first, 'alice@example.com');
    const aliceCert = (await collect(first, alice)).certificate;
    const bob = await enroll(first, 'bob@example.com');
    const [bobLeaf] = certificatesOf((await collect(first, bob)).certificate);
    const bobSerial = new X509Certificate(bobLeaf).serialNumber.toLowerCase();
    expect(
      ok(await call(first.endpoint, 'revoke', orderXml(bob, undefined, xmlEl('reason', 'key compromise')))).code,
    ).toBe(0);
    const carol = await enroll(first, 'carol+pending3@example.com');
    const seen = [await status(first, carol), await status(first, carol)];
    // the mock's clock, moved forward through the admin API, resumes as far ahead after the restart
    const advanced = await (
      await fetch(first.url + '/admin/api/clock/advance', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"by":"2d"}',
      })
    ).json();
    expect(advanced).toMatchObject({ offsetMs: 2 * 86_400_000 });
    // told about dave's order number, then killed at once: no shutdown, no checkpoint
    const dave = await enroll(first, 'dave@example.com');
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    // second life, after the kill
    const second = await serve();
    expect(second.lines().find((l) => l.includes('storage'))).toMatch(/ccm-mock\.db \(SQLite, 4 orders\)/);
    expect(await text(second.url + '/ca/root.pem')).toBe(rootPem);
    // the intermediate for the first life's URL (it names the URL it is fetched at): the same bytes again
    expect((await rawRequest(second.url + '/ca/chain.pem', { headers: { host: new URL(first.url).host } })).text).toBe(
      chainPem,
    );
    expect(await (await fetch(second.url + '/admin/api/clock')).json()).toMatchObject({ offsetMs: 2 * 86_400_000 });
    expect(await collect(second, alice)).toEqual({ statusCode: '1', certificate: aliceCert });
    expect(await status(second, bob)).toBe(-21);
    expect(await revokeSerial(second, bobSerial)).toBe(-21);
    expect(await status(second, dave)).toBe(1);
    for (let i = seen.length; i < expectedPolls.length; i++) seen.push(await status(second, carol));
    expect(seen).toEqual(expectedPolls);
    const erin = await enroll(second, 'erin@example.com');
    expect([alice, bob, carol, dave]).not.toContain(erin); // a new number (drawn, not counted)
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(second.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(['stopping', 'stopped']));

    // the revocation is kept whole (time, reason, CRL reason code), as a CRL needs it
    const store = new SqliteOrderStore(join(dataDir, ORDER_DB_FILE));
    expect(store.get(bob)?.revocation).toMatchObject({ reason: 'key compromise', reasonCode: 1, by: 'revoke' });
    expect(store.count()).toBe(5);
    store.close();
  });
});
