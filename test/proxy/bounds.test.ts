import { readdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { AcceptedCredentials } from '../../server/proxy/analysis.js';
import { Findings, MAX_EXCERPT, MAX_FINDINGS } from '../../server/proxy/findings.js';
import { ProfileLearner } from '../../server/proxy/learner.js';
import { inflate } from '../../server/proxy/observer.js';
import { Recorder, type RecordedExchange } from '../../server/proxy/recorder.js';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../support/openssl.js';

/** Everything the proxy keeps is bounded: queued recordings, distinct findings, excerpts, learned values, inflation. */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const exchange = (label: string): RecordedExchange => ({
  label,
  request: '<a/>',
  response: '<b/>',
  requestExt: 'xml',
  responseExt: 'xml',
  meta: {
    at: new Date(0).toISOString(),
    operation: label,
    request: { method: 'POST', url: '/ws/EPKIManager', headers: {}, bytes: 4 },
    response: { status: 200, headers: {}, bytes: 4, from: 'upstream' },
    timing: {},
  },
});

describe('bounds', () => {
  it('the recorder keeps at most 256 exchanges waiting; more are counted and dropped; numbering continues in the same directory', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const errors: string[] = [];
    const first = new Recorder(dir, (m) => errors.push(m));
    const numbers = Array.from({ length: 300 }, () => first.record(exchange('collect')));
    expect(numbers.filter((n) => n !== undefined)).toHaveLength(256);
    expect(first.dropped).toBe(44);
    await first.close();
    expect(first.written).toBe(256);
    expect(readdirSync(dir)).toHaveLength(256 * 3);
    const second = new Recorder(dir, (m) => errors.push(m));
    expect(second.record(exchange('getWebServiceInfo'))).toBe(257);
    await second.close();
    expect(readdirSync(dir)).toContain('000257-getWebServiceInfo.json');
    expect(errors).toEqual([]);
  });

  it('findings: at most MAX_FINDINGS distinct ones, the rest counted; excerpts and texts cut', () => {
    const f = new Findings();
    const at = new Date(0);
    for (let i = 0; i < MAX_FINDINGS + 7; i++)
      f.add({ class: 'schema', direction: 'request', summary: `problem ${i}`, excerpt: 'x'.repeat(5000) }, at);
    f.add({ class: 'schema', direction: 'request', summary: 'problem 0' }, at, 12);
    expect(f.size).toBe(MAX_FINDINGS);
    expect(f.overflow).toBe(7);
    const [first] = f.list();
    expect(first.count).toBe(2);
    expect(first.exchanges).toEqual([12]);
    expect(first.excerpt).toHaveLength(MAX_EXCERPT + '...[4400 more chars]'.length);
  });

  it('the learner tallies at most 32 distinct values of a setting, and takes the one seen most', () => {
    const l = new ProfileLearner();
    const at = new Date(0);
    for (let i = 0; i < 100; i++) l.observe('serviceInfo', `info ${i}`, at);
    l.observe('serviceInfo', 'info 3', at);
    expect(l.value('serviceInfo')).toBe('info 3');
    expect(l.profile({ upstream: 'u', exchanges: 1 }).evidence.serviceInfo).toMatchObject({
      observations: 2,
      contradicting: 31,
    });
  });

  it('the URI-alias memory keeps at most 1,024 credentials (salted hashes), the oldest forgotten first', () => {
    const c = new AcceptedCredentials();
    for (let i = 0; i <= 1024; i++) c.remember('login', `password ${i}`, 'customer');
    expect(c.known('login', 'password 0', 'customer')).toBe(false);
    expect(c.known('login', 'password 1', 'customer')).toBe(true);
    expect(c.known('login', 'password 1024', 'customer')).toBe(true);
  });

  it('inflating a message stops at the limit: a compression bomb is refused, not expanded', () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(20_000);
    expect(inflate(bomb, 'gzip', 1024 * 1024)).toBe('larger than 1048576 bytes once inflated');
    expect(inflate(Buffer.from('x'), 'zstd', 10)).toBe('Content-Encoding zstd is not one the proxy reads');
    expect(inflate(Buffer.from('not gzip'), 'gzip', 10)).toBe('its gzip encoding does not inflate');
    expect((inflate(gzipSync('<a/>'), 'GZIP', 10) as Buffer).toString()).toBe('<a/>');
  });
});
