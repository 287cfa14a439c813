import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../wsdl/paths.js';
import { readCsr } from '../support/fixtures.js';
import { freePort } from '../support/revocation.js';
import { call, enrollXml, orderXml, type SoapAnswer } from '../support/soap.js';
import { healthy, run } from './podman.js';

/**
 * The repository's compose.yaml, brought up with Debian's podman-compose (.ci/run installs it; there is no Docker
 * engine here): the health check turns healthy, SOAP works from outside, and the named volume keeps the CA and the
 * orders across `down` and `up`; `down -v` removes it. The host port comes from CCM_MOCK_HOST_PORT, as the file
 * allows. podman without systemd schedules no health checks: test/container/podman.ts runs them while waiting.
 */

const PROJECT = 'ccm-mock-compose-test';
const CONTAINER = `${PROJECT}_ccm-mock_1`;
const VOLUME = `${PROJECT}_ccm-mock-data`;
let port = 0;
let base = '';

const env = () => ({ ...process.env, CCM_MOCK_HOST_PORT: String(port) });
const compose = (...args: string[]) => run('podman-compose', ['-p', PROJECT, ...args], env());

const ok = (a: SoapAnswer) => {
  expect(a.schemaProblems).toEqual([]);
  expect(a.status).toBe(200);
  return a;
};

beforeAll(async () => {
  // podman-compose must be there: a missing tool fails this suite, it never skips
  execFileSync('podman-compose', ['version'], { stdio: 'ignore' });
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // compose.yaml builds the image only when it is missing: build this tree's (the layers the smoke test built, unless
  // this file runs first: then the build compiles better-sqlite3, within the suite's test timeout)
  run('podman', ['build', '--format', 'docker', '-t', 'ccm-mock', '.']);
}, 900_000);

afterAll(() => {
  spawnSync('podman-compose', ['-p', PROJECT, 'down', '-v'], { cwd: packageRoot, stdio: 'ignore' });
  spawnSync('podman', ['volume', 'rm', '-f', VOLUME], { stdio: 'ignore' });
});

describe('compose.yaml, with podman-compose', () => {
  let rootPem = '';
  let order = 0;
  let certificate = '';

  it('up -d: the health check turns healthy and SOAP works on the published port', async () => {
    compose('up', '-d');
    await healthy(CONTAINER, base);
    // the compose file's check (podman-compose 1.0.3 runs its CMD form through /bin/sh -c), not only the image's
    expect(run('podman', ['inspect', '--format', '{{.Config.Healthcheck.Test}}', CONTAINER])).toContain(
      '/app/dist/server/healthcheck.js',
    );
    // +pending1: one poll answers 0 (being processed), the next 1, without waiting for the image's default delay
    order = ok(
      await call(
        `${base}/ws/EPKIManager`,
        'enroll',
        enrollXml({ email: 'alice+pending1@example.com', csr: readCsr() }),
      ),
    ).code;
    expect(order).toBeGreaterThan(0);
    expect(ok(await call(`${base}/ws/EPKIManager`, 'getCollectStatus', orderXml(order))).code).toBe(0);
    expect(ok(await call(`${base}/ws/EPKIManager`, 'getCollectStatus', orderXml(order))).code).toBe(1);
    const collected = ok(await call(`${base}/ws/EPKIManager`, 'collect', orderXml(order))).fields;
    expect(collected.statusCode).toBe('1');
    certificate = collected.certificate;
    rootPem = await (await fetch(`${base}/ca/root.pem`)).text();
    expect(rootPem).toContain('BEGIN CERTIFICATE');
  });

  it('down, then up again: the named volume kept the CA and the orders', async () => {
    compose('down');
    expect(run('podman', ['volume', 'ls', '--format', '{{.Name}}'])).toContain(VOLUME);
    compose('up', '-d');
    await healthy(CONTAINER, base);
    expect(await (await fetch(`${base}/ca/root.pem`)).text()).toBe(rootPem);
    expect(ok(await call(`${base}/ws/EPKIManager`, 'collect', orderXml(order))).fields).toEqual({
      statusCode: '1',
      certificate,
    });
  });

  it('down -v removes the container and the volume', () => {
    compose('down', '-v');
    expect(run('podman', ['ps', '-a', '--filter', `name=^${CONTAINER}$`, '--format', '{{.Names}}'])).toBe('');
    expect(run('podman', ['volume', 'ls', '--format', '{{.Name}}']).split('\n')).not.toContain(VOLUME);
  });
});
