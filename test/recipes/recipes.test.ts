import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseServeArgs } from '../../server/cli.js';
import { CONFIG_KEYS } from '../../server/config.js';
import { HEALTH_PATHS } from '../../server/http/health.js';
import { packageRoot } from '../../wsdl/paths.js';

/**
 * The examples of docs/in-process.md and the README, and docs/testing-recipes.md's recipes. The test-runner recipes
 * run here as written, importing `ccm-mock` by name (the package's self-reference resolves it to dist/, as an
 * installed copy would); test/packed/ runs them again in a new project with the packed tarball installed, and runs
 * the Testcontainers recipe against the image. The compose file and the CI service-container recipes need Docker,
 * GitHub or GitLab: here they are held to what the image really has (its Dockerfile's health check, port and volume)
 * and to settings and flags that exist; test/container/ runs the compose file (compose.test.ts) and the CI service
 * containers (ci-services.test.ts) on podman.
 */

const exec = promisify(execFile);
const examples = join(packageRoot, 'docs', 'examples');
const read = (path: string) => readFileSync(join(packageRoot, path), 'utf8');
/** only what a shell needs (the recipes must not depend on this test run's environment), and plain output */
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };

describe('test-runner recipes, run as written', () => {
  it('vitest: one mock per run from globalSetup, its URL and root CA provided to the tests, a per-customer reset before each test', async () => {
    const { stdout } = await exec(process.execPath, [join(packageRoot, 'node_modules/vitest/vitest.mjs'), 'run'], {
      cwd: join(examples, 'vitest'),
      env,
    });
    expect(stdout).toMatch(/Tests +2 passed \(2\)/);
  });

  it("node's test runner: a wrapper starts one mock, passes its URL and root CA in the environment, and exits with the tests' status", async () => {
    const { stdout } = await exec(process.execPath, [join(examples, 'node-test', 'run-tests.js')], {
      cwd: join(examples, 'node-test'),
      env,
    });
    expect(stdout).toMatch(/^# pass 2$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });
});

describe('in-process examples, run as written', () => {
  it("docs/in-process.md's example: enroll through the mock, then drive the order, faults and organizations with mock.admin", async () => {
    const { stdout } = await exec(
      process.execPath,
      [join(packageRoot, 'node_modules/tsx/dist/cli.mjs'), join(examples, 'in-process', 'admin.ts')],
      { cwd: packageRoot, env },
    );
    expect(stdout).toBe('1\nissued\n1\n');
  });

  it("the README's 'In your tests' snippet", async () => {
    const section = read('README.md').split('\n## In your tests\n')[1] ?? '';
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(snippet).toContain("from 'ccm-mock'");
    // no types in it: it runs as an ES module, importing ccm-mock through the package's self-reference
    await exec(process.execPath, ['--input-type=module', '-e', snippet!], { cwd: packageRoot, env });
  });
});

/** What the image offers, read from the Dockerfile. */
const dockerfile = read('Dockerfile');
const healthcheck = JSON.parse(/^HEALTHCHECK .* CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? 'null') as string[];
const exposed = /^EXPOSE (\d+)$/m.exec(dockerfile)?.[1];
const volume = /^VOLUME (\S+)$/m.exec(dockerfile)?.[1];
const SETTINGS = new Set(CONFIG_KEYS.map((k) => k.env));

describe('container recipes, held to the image', () => {
  it('reads the Dockerfile: a health check command, one exposed port, one volume', () => {
    expect(healthcheck).toEqual(['node', '/app/dist/server/healthcheck.js']);
    expect(exposed).toBe('8080');
    expect(volume).toBe('/data');
  });

  it("compose.yaml: the image's port, a named volume on its data directory, its health check, settings that exist", () => {
    const compose = parse(read('compose.yaml')) as {
      services: Record<string, Record<string, unknown>>;
      volumes: Record<string, unknown>;
    };
    const mock = compose.services['ccm-mock'];
    expect(mock.build).toBe('.');
    expect(mock.ports).toEqual([`\${CCM_MOCK_HOST_PORT:-8080}:${exposed}`]);
    expect(mock.volumes).toEqual([`ccm-mock-data:${volume}`]);
    expect(Object.keys(compose.volumes)).toEqual(['ccm-mock-data']);
    expect(mock.healthcheck).toMatchObject({ test: ['CMD', ...healthcheck] });
    expect(Object.keys(mock.environment as object).filter((k) => !SETTINGS.has(k))).toEqual([]);
  });

  it('GitHub Actions: the service container checks health as the image does; the npm job starts the bin with flags that exist and waits on /readyz', () => {
    const workflow = parse(read('docs/examples/ci/github-actions.yml')) as {
      jobs: Record<string, { services?: Record<string, Record<string, unknown>>; steps: Array<{ run?: string }> }>;
    };
    const service = workflow.jobs['service-container'].services!['ccm-mock'];
    expect(service.ports).toEqual([`${exposed}:${exposed}`]);
    expect(service.options).toContain(`--health-cmd "${healthcheck.join(' ')}"`);
    expect(Object.keys(service.env as object).filter((k) => !SETTINGS.has(k))).toEqual([]);

    const runs = workflow.jobs['npm-package'].steps.flatMap((s) => (s.run ? [s.run] : []));
    const serve = runs.find((r) => r.startsWith('npx ccm-mock serve '))!;
    const args = /^npx ccm-mock serve (.*?) >/.exec(serve)![1].split(' ');
    expect(parseServeArgs(args)).toEqual({ host: '127.0.0.1', port: '8080', seed: 'ci' });
    expect(runs).toContain(
      `curl --retry 30 --retry-connrefused --retry-delay 1 -fsS http://127.0.0.1:8080${HEALTH_PATHS.ready}`,
    );
  });

  it('GitLab CI: the service reached by its alias, settings that exist, a wait on /readyz before the tests', () => {
    const pipeline = parse(read('docs/examples/ci/gitlab-ci.yml')) as {
      test: {
        services: Array<{ name: string; alias: string; variables: Record<string, string> }>;
        variables: Record<string, string>;
        script: string[];
      };
    };
    const [service] = pipeline.test.services;
    expect(pipeline.test.variables.CCM_URL).toBe(`http://${service.alias}:${exposed}`);
    expect(Object.keys(service.variables).filter((k) => !SETTINGS.has(k))).toEqual([]);
    expect(pipeline.test.script.findIndex((s) => s.includes(`"$CCM_URL${HEALTH_PATHS.ready}"`))).toBe(1);
  });

  it("the Testcontainers recipe waits on /readyz at the image's port and sets settings that exist", () => {
    const source = read('docs/examples/testcontainers/ccm-mock.container.test.ts');
    expect(source).toContain(`.withExposedPorts(${exposed})`);
    expect(source).toContain(`Wait.forHttp('${HEALTH_PATHS.ready}', ${exposed})`);
    const settings = [...source.matchAll(/^\s+(CCM_MOCK_\w+):/gm)].map((m) => m[1]);
    expect(settings.length).toBeGreaterThan(0);
    expect(settings.filter((k) => !SETTINGS.has(k))).toEqual([]);
  });
});
