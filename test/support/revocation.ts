import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { certificatesOf } from './certs.js';
import { readCsr } from './fixtures.js';
import { tempDir } from './openssl.js';
import { call, enrollXml, orderXml, type EnrollFields } from './soap.js';

/** Helpers for the revocation suites: a leaf on disk, and commands whose failure is an answer, not an error. */

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr */
  output: string;
}

/**
 * Run a command without throwing on a non-zero exit (openssl verify exits 2 for a revoked certificate).
 * Asynchronous: the mock answering the command's requests lives in this process.
 */
export function run(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Buffer } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, timeout: 20_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ status, stdout, stderr, output: stdout + stderr });
    });
    child.stdin.end(opts.input);
  });
}

export interface EnrolledLeaf {
  orderNumber: number;
  /** a fresh directory holding leaf.pem, int.pem and root.pem */
  dir: string;
  leaf: string;
  intermediate: string;
  root: string;
}

/** Enroll and collect a certificate; writes leaf.pem, int.pem and root.pem (from the collect answer) into a fresh directory. */
export async function enrollLeaf(endpoint: string, fields: EnrollFields = {}): Promise<EnrolledLeaf> {
  const enrolled = await call(endpoint, 'enroll', enrollXml({ csr: readCsr(), ...fields }));
  if (!(enrolled.code > 0)) throw new Error(`enroll answered ${enrolled.code}: ${enrolled.text}`);
  const collected = await call(endpoint, 'collect', orderXml(enrolled.code, fields.auth));
  if (collected.code !== 1) throw new Error(`collect answered ${collected.code}`);
  const [leaf, intermediate, root] = certificatesOf(collected.fields.certificate);
  const dir = tempDir();
  writeFileSync(join(dir, 'leaf.pem'), leaf);
  writeFileSync(join(dir, 'int.pem'), intermediate);
  writeFileSync(join(dir, 'root.pem'), root);
  return { orderNumber: enrolled.code, dir, leaf, intermediate, root };
}

/** A TCP port free right now, for a mock whose CA certificates must name the port it listens on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
