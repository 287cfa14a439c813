import { spawnSync } from 'node:child_process';
import { packageRoot } from '../../wsdl/paths.js';

/** A command in the repository's folder; its trimmed stdout, or an error with both outputs when it fails. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd: packageRoot, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout.trim();
}

/**
 * Healthy by its health check, and answering /readyz at `base` (the published port: a request on a pooled connection
 * to a previous container fails). podman without systemd schedules no health checks: this runs them while waiting.
 */
export async function healthy(container: string, base: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    spawnSync('podman', ['healthcheck', 'run', container], { stdio: 'ignore' });
    const health = run('podman', ['inspect', '--format', '{{.State.Health.Status}}', container]);
    if (
      health === 'healthy' &&
      (await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${container} did not turn healthy in 60 s\n${run('podman', ['logs', container])}`);
}
