import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FileCrlNumbers } from '../../server/ca/crl-number.js';
import { writeFileDurably } from '../../server/ca/durable-file.js';
import { obtainOcspSigner } from '../../server/ca/ocsp-signer.js';
import { generateTestCa } from '../../server/ca/test-ca.js';
import { tempDir } from '../support/openssl.js';

/**
 * Files the CA keeps in the data directory are written whole and fsync'd (write to a temporary file, fsync,
 * rename, fsync the directory). A power cut cannot be staged in a test; what can be checked is the result
 * and that every writer goes through the one helper (the spy wraps the real function).
 */

vi.mock('../../server/ca/durable-file.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../server/ca/durable-file.js')>();
  return { writeFileDurably: vi.fn(real.writeFileDurably) };
});

const mode = (file: string) => statSync(file).mode & 0o777;

describe('durable CA files', () => {
  it('writeFileDurably replaces a file whole, with the mode asked for, leaving no temporary file', () => {
    const dir = tempDir();
    const file = join(dir, 'secret.key');
    writeFileSync(file, 'old and longer than the new text', { mode: 0o644 });
    writeFileDurably(file, 'new', 0o600);
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(mode(file)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['secret.key']);
  });

  it('the CRL numbers and the OCSP responder are written through it', async () => {
    const spy = vi.mocked(writeFileDurably);
    spy.mockClear();
    const dataDir = tempDir();
    const numbersFile = join(dataDir, 'ca', 'crl-numbers.json');
    const numbers = new FileCrlNumbers(numbersFile);
    expect([numbers.next('a'), numbers.next('a'), numbers.next('b')]).toEqual([1n, 2n, 1n]);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(spy).toHaveBeenLastCalledWith(numbersFile, '{\n  "a": "2",\n  "b": "1"\n}\n');
    expect(new FileCrlNumbers(numbersFile).next('a')).toBe(3n);

    spy.mockClear();
    const ca = await generateTestCa({ baseUrl: 'http://mock.test', keyBits: 1024 });
    const signer = await obtainOcspSigner(ca, { dataDir, keyBits: 1024, now: Date.now() });
    const dir = join(dataDir, 'ca');
    expect(spy.mock.calls.map(([file, , m]) => [file, m])).toEqual([
      [join(dir, 'ocsp.key'), 0o600],
      [join(dir, 'ocsp.pem'), undefined],
    ]);
    expect(readFileSync(join(dir, 'ocsp.pem'), 'utf8')).toBe(signer.pem);
    expect(mode(join(dir, 'ocsp.key'))).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['crl-numbers.json', 'ocsp.key', 'ocsp.pem']);
  });
});
