import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../wsdl/paths.js';

/**
 * `ccm-mock serve` as a child process, the way people run it: from source through tsx's loader
 * (`node --import tsx`, one process, so a signal reaches the server itself). Its stdout is kept as lines.
 */

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  endpoint: string;
  /** stdout so far, line by line (the banner, then one JSON object per line) */
  lines(): string[];
  /** the JSON lines of stdout, parsed */
  logs(): Array<Record<string, unknown>>;
  stderr(): string;
  /** send a signal and wait for the exit */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const CLI_SOURCE = join(packageRoot, 'server', 'cli.ts');

/** The environment without any CCM_MOCK_* / PORT of the caller's, plus `env`. */
export function cleanEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CCM_MOCK_') && k !== 'PORT') out[k] = v;
  return { ...out, ...env };
}

/** Start `ccm-mock serve` on a free loopback port and wait for its "ready" log line. */
export function startServe(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  return startCli('serve', args, env);
}

/** Start a `ccm-mock` command that listens (serve, proxy) on a free loopback port; wait for its "ready" log line. */
export function startCli(
  command: 'serve' | 'proxy',
  args: string[],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI_SOURCE, command, '--port', '0', '--host', '127.0.0.1', '--log-level', 'info', ...args],
    {
      cwd: packageRoot,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = () => out.split('\n').filter((l) => l.length > 0);
  const logs = () =>
    lines()
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`ccm-mock ${command} did not get ready in 20 s\nstdout:\n${out}\nstderr:\n${err}`)),
      20_000,
    );
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const ready = logs().find((l) => l.msg === 'ready');
      if (!ready) return;
      clearTimeout(timer);
      const url = `http://127.0.0.1:${ready.port as number}`;
      resolve({
        child,
        url,
        endpoint: url + '/ws/EPKIManager',
        lines,
        logs,
        stderr: () => err,
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `ccm-mock ${command} exited (${code ?? signal}) before it was ready\nstdout:\n${out}\nstderr:\n${err}`,
        ),
      );
    });
  });
}
