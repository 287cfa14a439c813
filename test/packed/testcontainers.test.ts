import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../../wsdl/paths.js';
import { tempDir } from '../support/openssl.js';

/**
 * docs/testing-recipes.md's Testcontainers recipe, run as written in the project that installed the tarball, against
 * the image built from this repository's Dockerfile. There is no Docker engine here: podman serves Docker's API on a
 * socket of its own (.ci/run prepares podman with ../shared/tools/podman-node-base.sh before this suite); no Ryuk
 * reaper image exists here, and the mapped port is reached on loopback.
 */

const exec = promisify(execFile);
const consumer = inject('consumer');
const IMAGE = 'ccm-mock';
let service: ChildProcess | undefined;
let socket = '';

beforeAll(async () => {
  // podman must be there: a missing tool fails this suite, it never skips
  execFileSync('podman', ['--version']);
  await exec('podman', ['build', '--format', 'docker', '-t', IMAGE, '.'], {
    cwd: packageRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  socket = join(tempDir(), 'podman.sock');
  service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  while (!existsSync(socket)) {
    if (Date.now() > deadline || service.exitCode !== null)
      throw new Error(`podman system service did not open ${socket}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(() => {
  service?.kill('SIGTERM');
});

describe('the Testcontainers recipe', () => {
  it("starts the image with GenericContainer, waits on /readyz, and the recipe's enroll and collect pass", async () => {
    const { stdout } = await exec(join(consumer.dir, 'node_modules', '.bin', 'vitest'), ['run'], {
      cwd: join(consumer.dir, 'testcontainers'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NO_COLOR: '1',
        DOCKER_HOST: `unix://${socket}`,
        TESTCONTAINERS_RYUK_DISABLED: 'true',
        TESTCONTAINERS_HOST_OVERRIDE: '127.0.0.1',
      },
    });
    expect(stdout).toMatch(/Tests +1 passed \(1\)/);
    // the recipe's afterAll stopped and removed its container
    const left = execFileSync(
      'podman',
      ['ps', '-a', '--filter', 'label=org.testcontainers=true', '--format', '{{.ID}}'],
      {
        encoding: 'utf8',
      },
    );
    expect(left.trim()).toBe('');
  });
});
