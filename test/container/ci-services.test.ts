import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../wsdl/paths.js';
import { readCsr } from '../support/fixtures.js';
import { freePort } from '../support/revocation.js';
import { call, enrollXml, orderXml } from '../support/soap.js';
import { healthy, run } from './podman.js';

/**
 * docs/testing-recipes.md's service-container recipes (docs/examples/ci/), started as the CI systems start them: the
 * GitHub Actions service with its env, its published port and its `options:` handed verbatim to the container engine
 * (as the runner hands them to `docker create`), the job's steps once its health check passes; the GitLab CI service
 * with its variables, then the script's wait on /readyz. Here the image is this tree's (the recipes name a registry's),
 * podman is the engine, the host port is a free one, and CCM_URL reaches the service on it (GitLab's alias resolves
 * only inside its job's network). "npm ci" and "npm test" are the user's project's; a SOAP enroll stands in for them.
 */

const IMAGE = 'ccm-mock';
const CONTAINER = 'ccm-mock-ci-service-test';
const read = (path: string) => parse(readFileSync(join(packageRoot, 'docs/examples/ci', path), 'utf8')) as unknown;

beforeAll(() => {
  // the test files of this suite run one at a time: this tree's image, as the other container tests build it; the
  // first build compiles better-sqlite3 (the suite's test timeout, not its hook timeout)
  run('podman', ['build', '--format', 'docker', '-t', IMAGE, '.']);
}, 900_000);

afterAll(() => {
  spawnSync('podman', ['rm', '-f', CONTAINER], { stdio: 'ignore' });
});

/** Start the service container: -e per variable, the port published on a free loopback port, extra engine options. */
async function startService(variables: Record<string, string>, options = ''): Promise<string> {
  spawnSync('podman', ['rm', '-f', CONTAINER], { stdio: 'ignore' });
  const port = await freePort();
  const envArgs = Object.keys(variables).map((k) => `-e ${k}`);
  // through a shell, as the recipe's options string is shell words ("--health-cmd \"node ...\"")
  run(
    'sh',
    ['-c', `podman run -d --name ${CONTAINER} -p 127.0.0.1:${port}:8080 ${envArgs.join(' ')} ${options} ${IMAGE}`],
    {
      ...process.env,
      ...variables,
    },
  );
  return `http://127.0.0.1:${port}`;
}

/** What the service's settings must show: the seed, a frozen clock at the start given, no delay (issued at once). */
async function expectSettingsApplied(url: string, variables: Record<string, string>): Promise<void> {
  const info = (await (await fetch(`${url}/admin/api/info`)).json()) as {
    seed: string;
    clock: { now: string; frozen: boolean };
  };
  expect(info.seed).toBe(variables.CCM_MOCK_SEED);
  expect(info.clock).toMatchObject({ now: new Date(variables.CCM_MOCK_CLOCK_START).toISOString(), frozen: true });
  const endpoint = `${url}/ws/EPKIManager`;
  const order = (await call(endpoint, 'enroll', enrollXml({ csr: readCsr() }))).code;
  expect(order).toBeGreaterThan(0);
  // CCM_MOCK_DELAY=0: ready at the first poll, although the frozen clock never moves
  expect((await call(endpoint, 'getCollectStatus', orderXml(order))).code).toBe(1);
  expect((await call(endpoint, 'collect', orderXml(order))).fields.statusCode).toBe('1');
}

describe('GitHub Actions: the service-container job', () => {
  interface Job {
    services: Record<string, { image: string; ports: string[]; env: Record<string, string>; options: string }>;
    env: Record<string, string>;
    steps: Array<{ run?: string }>;
  }
  const job = (read('github-actions.yml') as { jobs: Record<string, Job> }).jobs['service-container'];
  const service = job.services['ccm-mock'];

  it('the service starts with its env and options, its health check turns healthy, and CCM_URL answers as configured', async () => {
    expect(service.ports).toEqual(['8080:8080']);
    const url = await startService(service.env, service.options);
    // the health check the runner waits on is the recipe's (a shell command, every 2 s, 30 tries), not the image's
    const check = '{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Retries}}';
    expect(run('podman', ['inspect', '--format', check, CONTAINER])).toBe(
      '[CMD-SHELL node /app/dist/server/healthcheck.js] 2s 30',
    );
    await healthy(CONTAINER, url);
    // the job reaches it at CCM_URL; the port is this run's
    expect(job.env.CCM_URL).toBe('http://localhost:8080');
    expect(job.steps.flatMap((s) => (s.run ? [s.run] : []))).toEqual(['npm ci', 'npm test']);
    await expectSettingsApplied(job.env.CCM_URL.replace('localhost:8080', url.slice('http://'.length)), service.env);
  });
});

describe('GitLab CI: the test job', () => {
  interface Pipeline {
    test: {
      services: Array<{ name: string; alias: string; variables: Record<string, string> }>;
      variables: Record<string, string>;
      script: string[];
    };
  }
  const pipeline = (read('gitlab-ci.yml') as Pipeline).test;
  const [service] = pipeline.services;

  it("the service starts with its variables, the script's wait on /readyz passes, and CCM_URL answers as configured", async () => {
    const url = await startService(service.variables);
    const ccmUrl = pipeline.variables.CCM_URL.replace(`${service.alias}:8080`, url.slice('http://'.length));
    expect(ccmUrl).toBe(url);
    // GitLab waits for the port only: the script's own wait, run by a shell with the job's variables
    const steps = pipeline.script.filter((s) => !/^npm (ci|test)$/.test(s));
    expect(steps).toHaveLength(1);
    const out = run('sh', ['-c', steps[0]], { ...process.env, CCM_URL: ccmUrl });
    expect(JSON.parse(out)).toMatchObject({ status: 'ready' });
    await expectSettingsApplied(ccmUrl, service.variables);
  });
});
