import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The openssl command line, as an independent judge of what the test CA issues. */

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ccm-mock-test-'));
}

export function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * `openssl verify -purpose smimesign` of a leaf against root + intermediate; returns openssl's output. With
 * `policy`, RFC 5280 policy processing must end in that policy (-explicit_policy); `purpose` for another one.
 */
export function verifySmime(
  leafPem: string,
  rootPem: string,
  intermediatePem: string,
  opts: { purpose?: string; policy?: string } = {},
): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'leaf.pem'), leafPem);
  writeFileSync(join(dir, 'root.pem'), rootPem);
  writeFileSync(join(dir, 'int.pem'), intermediatePem);
  return openssl([
    'verify',
    ...(opts.policy ? ['-x509_strict', '-explicit_policy', '-policy', opts.policy] : []),
    '-purpose',
    opts.purpose ?? 'smimesign',
    '-CAfile',
    join(dir, 'root.pem'),
    '-untrusted',
    join(dir, 'int.pem'),
    join(dir, 'leaf.pem'),
  ]);
}

export function certText(pem: string): string {
  return openssl(['x509', '-noout', '-text', '-nameopt', 'RFC2253'], pem);
}
