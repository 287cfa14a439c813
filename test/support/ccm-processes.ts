import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../client/cli/main.js';
import { packageRoot } from '../../wsdl/paths.js';

/**
 * Running `ccm` and `ccm-mock serve` the way a user does: as separate processes from source (node --import tsx),
 * and `ccm` in-process through runCli() with captured streams for the many quick cases.
 */

export interface CcmRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, when it is JSON (read it with test/support/json.ts's shaped(), or match it whole) */
  json?: unknown;
}

function parsed(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

/** runCli with captured streams; env replaces the process environment entirely (no CCM_* leaks in). */
export async function ccm(
  args: string[],
  env: Record<string, string | undefined> = {},
  extra: Partial<CliIo> & { tty?: boolean } = {},
): Promise<CcmRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: extra.tty },
    env,
    ...extra,
  });
  return { code, stdout, stderr, json: parsed(stdout) };
}

const TSX = ['--import', 'tsx'];

/** `ccm` as a child process, from source. */
export function ccmProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
): { child: ChildProcess; done: Promise<CcmRun> } {
  const child = spawn(process.execPath, [...TSX, join(packageRoot, 'client/cli/bin.ts'), ...args], {
    cwd: packageRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CcmRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr, json: parsed(stdout) }),
    );
  });
  return { child, done };
}

export interface MockProcess {
  endpoint: string;
  url: string;
  banner: string;
  stop(): Promise<void>;
}

/** `ccm-mock serve` as a child process on a free port; resolves once the banner shows the endpoint. */
export async function startMockProcess(args: string[] = []): Promise<MockProcess> {
  const child = spawn(
    process.execPath,
    [
      ...TSX,
      join(packageRoot, 'server/cli.ts'),
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--delay',
      '0',
      '--log-level',
      'info',
      ...args,
    ],
    {
      cwd: packageRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let banner = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const onData = (c: Buffer) => {
      banner += c.toString();
      const m = /endpoint\s+(\S+)/.exec(banner);
      if (m && banner.includes('ready in')) {
        child.stdout.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`ccm-mock serve exited with ${code} before it was ready:\n${banner}${stderr}`)),
    );
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    endpoint,
    url: new URL(endpoint).origin,
    banner,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
