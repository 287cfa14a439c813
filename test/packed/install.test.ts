import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../../wsdl/paths.js';
import { tempDir } from '../support/openssl.js';
import { freePort } from '../support/revocation.js';

/**
 * The tarball as a user's project gets it (test/packed/consumer.ts installs it into a new project): without a clone,
 * the project starts the mock in-process, uses the client, runs both bins, and runs the GitHub Actions recipe's steps.
 */

const exec = promisify(execFile);
const consumer = inject('consumer');
const installed = join(consumer.dir, 'node_modules', 'ccm-mock');
const bin = (name: string) => join(consumer.dir, 'node_modules', '.bin', name);
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('the packed tarball, installed into a new project', () => {
  it('is installed as packed: the same files, none of them tests, benchmarks or CI', () => {
    const files = filesUnder(installed)
      .map((f) => relative(installed, f))
      .sort();
    expect(files).toEqual([...consumer.packed].sort());
    expect(files.filter((f) => /^(test|bench|\.ci)\//.test(f))).toEqual([]);
  });

  it("runs a plain ES module that imports both exports: a mock in-process with a data directory (SQLite), the client's enroll and collect against it", async () => {
    const script = join(consumer.dir, 'smoke.js');
    writeFileSync(
      script,
      [
        `import { createMockServer, ConfigError } from 'ccm-mock';`,
        `import { CcmClient, generateKeyAndCsr } from 'ccm-mock/client';`,
        `const mock = await createMockServer({ dataDir: process.argv[2], seed: 'packed' });`,
        `const client = new CcmClient({ endpoint: mock.endpoint, orgId: 1001, secretKey: 'sandbox-secret',`,
        `  auth: { customerLoginUri: 'sandbox', login: 'admin', password: 'sandbox' } });`,
        `const { csrPem } = await generateKeyAndCsr({ email: 'alice@example.com' });`,
        `const cert = await client.enrollAndCollect({ username: 'Alice', email: 'alice@example.com', csr: csrPem });`,
        `const out = { info: await client.getWebServiceInfo(), emails: cert.emails, orders: mock.admin.orders().length,`,
        `  store: mock.admin.info().orders, resolved: [import.meta.resolve('ccm-mock'), import.meta.resolve('ccm-mock/client')],`,
        `  configError: await createMockServer({ delay: 'soon' }).catch((e) => e instanceof ConfigError) };`,
        `await mock.close();`,
        `console.log(JSON.stringify(out));`,
      ].join('\n'),
    );
    const data = tempDir();
    const { stdout } = await exec(process.execPath, [script, data], { cwd: consumer.dir, env });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ emails: ['alice@example.com'], orders: 1, store: 1, configError: true });
    expect(out.info).toMatch(/^ccm-mock EPKIManager/);
    expect(out.resolved).toEqual([
      `file://${installed}/dist/server/index.js`,
      `file://${installed}/dist/client/index.js`,
    ]);
    expect(readdirSync(data)).toContain('ccm-mock.db');
  });

  it('runs both bins: ccm-mock --version and serve (stopped by SIGTERM, exit 0), ccm --help and a call to that server', async () => {
    expect((await exec(bin('ccm-mock'), ['--version'], { env })).stdout.trim()).toBe(consumer.version);
    expect((await exec(bin('ccm'), ['--help'], { env })).stdout).toMatch(/^Usage: ccm \[--api soap\|rest\] COMMAND/);

    const server = spawn(bin('ccm-mock'), ['serve', '--host', '127.0.0.1', '--port', '0'], { env });
    let banner = '';
    const endpoint = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => {
        banner += chunk.toString();
        const found = /endpoint {2}(http:\/\/\S+)/.exec(banner);
        if (found) resolve(found[1]);
      });
      server.once('exit', (code) => reject(new Error(`ccm-mock serve exited with ${code}: ${banner}`)));
    });
    try {
      const info = await exec(bin('ccm'), ['info', '--url', endpoint], { env });
      expect(info.stdout).toMatch(/^ccm-mock EPKIManager/);
    } finally {
      server.kill('SIGTERM');
    }
    const [code] = (await once(server, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it("runs the GitHub Actions npm job's steps as its shell would: ccm-mock serve in the background, a wait on /readyz, then a client", async () => {
    const workflow = parse(readFileSync(join(packageRoot, 'docs/examples/ci/github-actions.yml'), 'utf8')) as {
      jobs: { 'npm-package': { steps: Array<{ run?: string; if?: string }> } };
    };
    const runs = workflow.jobs['npm-package'].steps.filter((s) => s.run && !s.if).map((s) => s.run!);
    // npm ci and npm test are the user's project's; the mock's steps run here on a free port
    const steps = runs.filter((r) => !/^npm (ci|test)$/.test(r));
    expect(steps).toHaveLength(2);
    const port = await freePort();
    const script = [...steps, `npx ccm info --url http://127.0.0.1:8080`]
      .map((line) => line.replace(/8080/g, String(port)))
      .join('\n');
    // its own process group: the background server goes with it at the end
    const shell = spawn('sh', ['-c', script], { cwd: consumer.dir, env, detached: true });
    let output = '';
    shell.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    shell.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(shell, 'exit')) as [number | null];
    process.kill(-shell.pid!, 'SIGTERM');
    expect(code, output).toBe(0);
    expect(output).toContain('"status":"ready"'); // /readyz
    expect(output).toContain('ccm-mock EPKIManager');
    expect(readFileSync(join(consumer.dir, 'ccm-mock.log'), 'utf8')).toContain('TEST CERTIFICATES ONLY');
  });
});
