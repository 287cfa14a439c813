import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileCrlNumbers, MemoryCrlNumbers } from '../../server/ca/crl-number.js';
import { buildCrl, CrlPublisher, type CrlEntry } from '../../server/ca/crl.js';
import { generateTestCa, type TestCa } from '../../server/ca/test-ca.js';
import { openssl, tempDir } from '../support/openssl.js';
import { run } from '../support/revocation.js';

/** CRL building, numbering and re-signing, judged by openssl. */

let ca: TestCa;
beforeAll(async () => {
  ca = await generateTestCa({ baseUrl: 'http://mock.test', keyBits: 1024 });
});

const HOUR = 3600 * 1000;
const T0 = Date.UTC(2030, 5, 1, 8, 0, 0);
const crlText = (der: Buffer) => openssl(['crl', '-inform', 'DER', '-noout', '-text'], der);

describe('buildCrl', () => {
  it('writes entries with reason codes, leaving unspecified out, and openssl verifies the signature', async () => {
    const entries: CrlEntry[] = [
      { serial: Buffer.from('01ff', 'hex'), revokedAt: new Date(T0 - HOUR), reasonCode: 1 },
      { serial: Buffer.from('80', 'hex'), revokedAt: new Date(T0 - 2 * HOUR), reasonCode: 0 },
      { serial: Buffer.from('0abc', 'hex'), revokedAt: new Date(T0 - 3 * HOUR), reasonCode: 9 },
    ];
    const der = buildCrl(ca.issuing, {
      number: 42n,
      thisUpdate: new Date(T0),
      nextUpdate: new Date(T0 + 24 * HOUR),
      entries,
    });
    const text = crlText(der);
    expect(text).toContain('Last Update: Jun  1 08:00:00 2030 GMT');
    expect(text).toContain('Next Update: Jun  2 08:00:00 2030 GMT');
    expect(text).toMatch(/CRL Number: \n\s+42\n/);
    expect(text).toMatch(
      /Serial Number: 01FF\n\s+Revocation Date: Jun {2}1 07:00:00 2030 GMT\n\s+CRL entry extensions:\n\s+X509v3 CRL Reason Code: \n\s+Key Compromise/,
    );
    expect(text).toMatch(/Serial Number: 80\n\s+Revocation Date: Jun {2}1 06:00:00 2030 GMT\n\s+Serial Number: 0ABC/); // no extensions for unspecified
    expect(text).toMatch(/Serial Number: 0ABC\n[\s\S]+?Privilege Withdrawn/);
    const dir = tempDir();
    writeFileSync(join(dir, 'crl.der'), der);
    writeFileSync(join(dir, 'int.pem'), ca.issuing.pem);
    const r = await run('openssl', ['crl', '-inform', 'DER', '-in', 'crl.der', '-CAfile', 'int.pem', '-noout'], {
      cwd: dir,
    });
    expect(r.stderr).toContain('verify OK');
  });

  it('leaves an empty revokedCertificates out', () => {
    const der = buildCrl(ca.root as TestCa['issuing'], {
      number: 1n,
      thisUpdate: new Date(T0),
      nextUpdate: new Date(T0 + HOUR),
      entries: [],
    });
    expect(crlText(der)).toContain('No Revoked Certificates.');
  });
});

describe('CrlPublisher', () => {
  it('serves one CRL until its entries change or it ages, each rebuild with the next number', () => {
    let now = T0;
    let entries: CrlEntry[] = [];
    const publisher = new CrlPublisher({
      signer: ca.issuing,
      scope: 's',
      numbers: new MemoryCrlNumbers(),
      entries: () => entries,
      now: () => now,
    });
    const first = publisher.current();
    expect(first.number).toBe(1n);
    now += 10 * 60 * 1000;
    expect(publisher.current()).toBe(first);
    entries = [{ serial: Buffer.from([5]), revokedAt: new Date(now), reasonCode: 4 }];
    const second = publisher.current();
    expect(second.number).toBe(2n);
    expect(second.thisUpdate.getTime()).toBe(now);
    expect(second.entries).toBe(1);
    // the same set in another order is the same CRL
    entries = [...entries];
    expect(publisher.current()).toBe(second);
    now += HOUR;
    const third = publisher.current();
    expect(third.number).toBe(3n);
    expect(third.nextUpdate.getTime() - third.thisUpdate.getTime()).toBe(24 * HOUR);
    entries = [];
    expect(publisher.current().number).toBe(4n); // a reset empties it again
  });
});

describe('CRL numbers', () => {
  it('continue from the file, per scope', () => {
    const file = join(tempDir(), 'ca', 'crl-numbers.json');
    const a = new FileCrlNumbers(file);
    expect([a.next('x'), a.next('x'), a.next('y')]).toEqual([1n, 2n, 1n]);
    const b = new FileCrlNumbers(file);
    expect([b.next('x'), b.next('y'), b.next('z')]).toEqual([3n, 2n, 1n]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: '3', y: '2', z: '1' });
  });

  it('refuse an unreadable file with its name and what to do', () => {
    const file = join(tempDir(), 'crl-numbers.json');
    writeFileSync(file, '{"x": 3}');
    expect(() => new FileCrlNumbers(file)).toThrow(
      /crl-numbers\.json is unreadable .*"x" is not a decimal string.*delete it/,
    );
    writeFileSync(file, 'not json');
    expect(() => new FileCrlNumbers(file)).toThrow(/unreadable/);
  });
});
