import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../wsdl/paths.js';
import { certificatesOf } from '../support/certs.js';
import { readCsr } from '../support/fixtures.js';
import { verifySmime } from '../support/openssl.js';
import { authXml, call, enrollXml, orderXml, xmlEl, type SoapAnswer } from '../support/soap.js';

/**
 * The container smoke test: the README's Docker section, line by line, run with podman (there is no Docker
 * engine here; .ci/run prepares podman with ../shared/tools/podman-node-base.sh). Between the lines, SOAP
 * from outside the container. What is changed in a README line, and only this:
 *  - `docker` -> `podman`, and `podman build` gets `--format docker` (the OCI format drops HEALTHCHECK);
 *  - host port 8080 -> CCM_MOCK_SMOKE_PORT, or 8080 if free, else a free one (the machine may be busy).
 * podman without systemd schedules no health checks: while waiting for "healthy" the test runs
 * `podman healthcheck run`, which is what the HEALTHCHECK timer would do.
 */

const README = readFileSync(join(packageRoot, 'README.md'), 'utf8');
const block = /<!-- BEGIN: docker[^>]*-->\s*```sh\n([\s\S]*?)```\s*<!-- END: docker -->/.exec(README);
const LINES = block ? block[1].split('\n').filter((l) => l.trim() !== '') : [];
const NAME = 'ccm-mock';
const VOLUME = 'ccm-mock-data';

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let port = 8080;
const translate = (line: string) =>
  line
    .replace(/\bdocker\b/g, 'podman')
    .replace(/^podman build /, 'podman build --format docker ')
    .replace(/-p 8080:8080/g, `-p ${port}:8080`)
    .replace(/localhost:8080/g, `localhost:${port}`);

/** Run README line i (checked to start with `expected`), translated; returns stdout. */
function run(i: number, expected: string): string {
  const line = LINES[i];
  expect(line, `README Docker line ${i + 1}`).toBeDefined();
  expect(line.startsWith(expected), `README Docker line ${i + 1} should start with "${expected}": ${line}`).toBe(true);
  const result = spawnSync('sh', ['-c', translate(line)], {
    cwd: packageRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`"${translate(line)}" exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const podman = (...args: string[]) =>
  execFileSync('podman', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** README line 3 (docker inspect ... Health.Status) until "healthy", running a check when it is due. */
async function waitHealthy(): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const health = run(2, 'docker inspect --format').trim();
    if (seen.at(-1) !== health) seen.push(health);
    if (health === 'healthy') return seen;
    spawnSync('podman', ['healthcheck', 'run', NAME], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the container did not turn healthy in 60 s (states seen: ${seen.join(', ')})\n${podman('logs', NAME)}`,
  );
}

let endpoint = '';
const ok = (a: SoapAnswer) => {
  expect(a.schemaProblems).toEqual([]);
  expect(a.status).toBe(200);
  return a;
};

beforeAll(async () => {
  expect(LINES.length, 'the README has a Docker section between <!-- BEGIN: docker --> and <!-- END: docker -->').toBe(
    10,
  );
  // podman must be there: a missing tool fails this suite, it never skips
  podman('--version');
  const leftovers = podman('ps', '-a', '--filter', `name=^${NAME}$`, '--format', '{{.Names}}');
  expect(leftovers, `a container named ${NAME} exists already; remove it: podman rm -f ${NAME}`).toBe('');
  const requested = Number(process.env.CCM_MOCK_SMOKE_PORT);
  port = requested > 0 ? requested : (await portFree(8080)) ? 8080 : await freePort();
  endpoint = `http://localhost:${port}/ws/EPKIManager`;
});

afterAll(() => {
  spawnSync('podman', ['rm', '-f', NAME], { stdio: 'ignore' });
  spawnSync('podman', ['volume', 'rm', '-f', VOLUME], { stdio: 'ignore' });
});

describe("the README's Docker section, run with podman", () => {
  let rootPem = '';
  let issued = 0;
  let issuedCertificate = '';
  let revoked = 0;

  it('builds the image: non-root, port 8080, a HEALTHCHECK, the /data volume as data directory', () => {
    const started = Date.now();
    run(0, 'docker build -t ccm-mock .');
    console.log(`image built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const config = JSON.parse(podman('image', 'inspect', '--format', '{{json .Config}}', 'ccm-mock')) as {
      User: string;
      ExposedPorts: Record<string, unknown>;
      Volumes: Record<string, unknown>;
      Env: string[];
      Entrypoint: string[];
    };
    expect(config.User).toBe('node');
    expect(Object.keys(config.ExposedPorts)).toEqual(['8080/tcp']);
    expect(Object.keys(config.Volumes)).toEqual(['/data']);
    const healthcheck = JSON.parse(
      podman('image', 'inspect', '--format', '{{json .Config.Healthcheck}}', 'ccm-mock'),
    ) as { Test: string[] } | null;
    expect(healthcheck?.Test).toEqual(['CMD', 'node', '/app/dist/server/healthcheck.js']);
    expect(config.Env).toContain('CCM_MOCK_DATA_DIR=/data');
    expect(config.Entrypoint).toEqual(['ccm-mock']);
    console.log(
      `image size ${(Number(podman('image', 'inspect', '--format', '{{.Size}}', 'ccm-mock')) / 1e6).toFixed(0)} MB`,
    );
  });

  it('runs: health turns healthy, the WSDL points at the published port, enroll -> collect works from outside', async () => {
    run(1, 'docker run -d --name ccm-mock -p 8080:8080 -v ccm-mock-data:/data ccm-mock');
    const states = await waitHealthy();
    expect(states.at(-1)).toBe('healthy');
    expect(states.every((s) => s === 'starting' || s === 'healthy')).toBe(true);

    const wsdl = run(3, 'curl -s ');
    expect(wsdl).toContain(`<soap:address location="${endpoint}"/>`);

    expect(ok(await call(endpoint, 'getWebServiceInfo')).returns[0]).toMatch(/ccm-mock/);
    // +pending1: one poll answers 0 (being processed), the next 1, without waiting for a delay
    issued = ok(
      await call(endpoint, 'enroll', enrollXml({ email: 'alice+pending1@example.com', csr: readCsr() })),
    ).code;
    expect(issued).toBeGreaterThan(0);
    expect(ok(await call(endpoint, 'getCollectStatus', orderXml(issued))).code).toBe(0);
    expect(ok(await call(endpoint, 'getCollectStatus', orderXml(issued))).code).toBe(1);
    const collected = ok(await call(endpoint, 'collect', orderXml(issued))).fields;
    expect(collected.statusCode).toBe('1');
    issuedCertificate = collected.certificate;
    const [leaf, intermediate, root] = certificatesOf(issuedCertificate);
    rootPem = await (await fetch(`http://localhost:${port}/ca/root.pem`)).text();
    expect(root).toBe(rootPem);
    expect(verifySmime(leaf, rootPem, intermediate)).toMatch(/OK/);

    revoked = ok(await call(endpoint, 'enroll', enrollXml({ email: 'bob+pending1@example.com', csr: readCsr() }))).code;
    ok(await call(endpoint, 'getCollectStatus', orderXml(revoked)));
    expect(ok(await call(endpoint, 'getCollectStatus', orderXml(revoked))).code).toBe(1);
    expect(ok(await call(endpoint, 'revoke', orderXml(revoked, undefined, xmlEl('reason', 'superseded')))).code).toBe(
      0,
    );
  });

  it('logs the banner and one JSON line per SOAP call', () => {
    const logs = run(4, 'docker logs ccm-mock');
    expect(logs).toContain('TEST CERTIFICATES ONLY');
    expect(logs).toContain('storage   /data/ccm-mock.db (SQLite, 0 orders)');
    const lines = logs
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.msg === 'soap call').map((l) => l.operation)).toEqual([
      'getWebServiceInfo',
      'enroll',
      'getCollectStatus',
      'getCollectStatus',
      'collect',
      'enroll',
      'getCollectStatus',
      'getCollectStatus',
      'revoke',
    ]);
    expect(lines.find((l) => l.operation === 'collect')).toMatchObject({
      customer: 'sandbox',
      order: issued,
      code: 1,
      status: 200,
    });
  });

  it('stops on SIGTERM with exit code 0', () => {
    const started = Date.now();
    run(5, 'docker stop ccm-mock');
    expect(Date.now() - started).toBeLessThan(9_000); // well before the engine's 10 s SIGKILL
    expect(podman('inspect', '--format', '{{.State.ExitCode}}', NAME)).toBe('0');
    expect(podman('logs', NAME)).toContain('"msg":"stopped"');
    run(6, 'docker rm ccm-mock');
  });

  it('a new container on the same volume has the same CA and the same orders', async () => {
    expect(LINES[7]).toBe(LINES[1]);
    run(7, 'docker run -d --name ccm-mock');
    await waitHealthy();
    expect(podman('logs', NAME)).toContain('storage   /data/ccm-mock.db (SQLite, 2 orders)');
    expect(await (await fetch(`http://localhost:${port}/ca/root.pem`)).text()).toBe(rootPem);
    expect(ok(await call(endpoint, 'collect', orderXml(issued))).fields).toEqual({
      statusCode: '1',
      certificate: issuedCertificate,
    });
    expect(ok(await call(endpoint, 'getCollectStatus', orderXml(revoked))).code).toBe(-21);
    const serial = new X509Certificate(certificatesOf(issuedCertificate)[0]).serialNumber;
    expect(
      ok(
        await call(
          endpoint,
          'revokeBySerialNumber',
          authXml() + xmlEl('serialNumber', serial) + xmlEl('reason', 'done'),
        ),
      ).code,
    ).toBe(0);
  });

  it('removes the container and the state', () => {
    run(8, 'docker rm -f ccm-mock');
    run(9, 'docker volume rm ccm-mock-data');
    expect(podman('volume', 'ls', '--filter', `name=^${VOLUME}$`, '--format', '{{.Name}}')).toBe('');
  });
});
