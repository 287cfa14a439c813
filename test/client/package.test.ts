import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { packageRoot } from '../../wsdl/paths.js';

/**
 * What package.json publishes - the `ccm-mock/client` export and the `ccm` bin - works from the build in dist/.
 * The suite does not build: `npm ci` does (`prepare`), and after editing the sources `npm run build` does; a
 * dist/ older than a source fails here with that hint rather than testing stale output. (That client/ imports
 * nothing of the mock, and only runtime dependencies, is test/layering.test.ts's.)
 */

const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  exports: Record<string, { types: string; default: string }>;
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const DIST_INDEX = join(packageRoot, pkg.exports['./client'].default);
const DIST_BIN = join(packageRoot, pkg.bin.ccm);

/** Why dist/ cannot stand for the sources, if it cannot: missing, or older than a source (tsc rewrites every output, so one file dates the build). */
function staleDist(): string | undefined {
  if (!existsSync(DIST_INDEX) || !existsSync(DIST_BIN)) return 'dist/ is missing';
  const built = statSync(DIST_INDEX).mtimeMs;
  const sources = [
    ...['server', 'client', 'wsdl'].flatMap((d) => tsFiles(join(packageRoot, d))),
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => join(packageRoot, f)),
  ];
  const newer = sources.filter((f) => statSync(f).mtimeMs > built);
  if (newer.length)
    return `dist/ is older than ${newer.length} source${newer.length > 1 ? 's' : ''} (${newer
      .slice(0, 3)
      .map((f) => relative(packageRoot, f))
      .join(', ')}${newer.length > 3 ? ', ...' : ''})`;
  return undefined;
}

describe('the built package (dist/)', () => {
  let mock: MockServer;

  beforeAll(async () => {
    const stale = staleDist();
    if (stale)
      throw new Error(
        `${stale}: run \`npm run build\` first (this suite tests the built package and does not build it)`,
      );
    mock = await createMockServer();
  });
  afterAll(() => mock?.close());

  it("import('ccm-mock/client') resolves through the package's own exports to dist/, and its client works", async () => {
    const script = [
      `const m = await import('ccm-mock/client');`,
      `const info = await new m.CcmClient({ endpoint: process.env.ENDPOINT, auth: {} }).getWebServiceInfo();`,
      `console.log(JSON.stringify({ url: import.meta.resolve('ccm-mock/client'), names: Object.keys(m), info }));`,
    ].join('\n');
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH, ENDPOINT: mock.endpoint },
    });
    const out = JSON.parse(stdout) as { url: string; names: string[]; info: string };
    expect(out.url).toBe(pathToFileURL(DIST_INDEX).href);
    expect(out.names).toEqual(
      expect.arrayContaining([
        'CcmClient',
        'CcmStatusError',
        'CcmRestClient',
        'CcmRestStatusError',
        'Status',
        'generateKeyAndCsr',
        'parseCollectedCertificate',
        'runConformance',
        'formatTable',
      ]),
    );
    expect(out.info).toMatch(/^ccm-mock EPKIManager/);
    expect(existsSync(join(packageRoot, pkg.exports['./client'].types))).toBe(true);
  });

  it('the ccm bin runs from dist/: --help, and a call against the mock', async () => {
    expect(readFileSync(DIST_BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const help = await exec(process.execPath, [DIST_BIN, '--help'], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH },
    });
    expect(help.stdout).toMatch(
      /^Usage: ccm COMMAND \[options\][\s\S]*Commands:[\s\S]*conformance[\s\S]*Exit codes:[\s\S]*130 {2}interrupted/,
    );
    const info = await exec(process.execPath, [DIST_BIN, 'info', '--url', mock.url], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH },
    });
    expect(info.stdout).toMatch(/^ccm-mock EPKIManager/);
  });
});
