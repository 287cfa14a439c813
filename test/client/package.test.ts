import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS_FILE } from '../../server/config.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { packageRoot, wsdlPath } from '../../wsdl/paths.js';

/**
 * What package.json publishes - the `ccm-mock` and `ccm-mock/client` exports, the `ccm-mock` and `ccm` bins, and
 * the files list - works from the build in dist/. The suite does not build: `npm ci` does (`prepare`), and after
 * editing the sources `npm run build` does; a dist/ older than a source fails here with that hint rather than
 * testing stale output. (That client/ imports nothing of the mock, and only runtime dependencies, is
 * test/layering.test.ts's; installing the packed tarball into a new project is test/packed/'s, run by .ci/run.)
 */

const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
  version: string;
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

const SOURCE_DIRS = ['server', 'client', 'wsdl'];
const DIST_MAIN = join(packageRoot, pkg.exports['.'].default);
const DIST_CLIENT = join(packageRoot, pkg.exports['./client'].default);
const DIST_CCM = join(packageRoot, pkg.bin.ccm);
const DIST_CCM_MOCK = join(packageRoot, pkg.bin['ccm-mock']);

/** Why dist/ cannot stand for the sources, if it cannot: missing, or older than a source (the build empties dist/ and writes every output, so one file dates it). */
function staleDist(): string | undefined {
  if (![DIST_MAIN, DIST_CLIENT, DIST_CCM, DIST_CCM_MOCK].every((f) => existsSync(f))) return 'dist/ is missing';
  const built = statSync(DIST_CLIENT).mtimeMs;
  const sources = [
    ...SOURCE_DIRS.flatMap((d) => tsFiles(join(packageRoot, d))),
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

/** Run an ES module script with node in the package root, where `ccm-mock` resolves through the package's own exports. */
async function runScript(lines: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', lines.join('\n')], {
    cwd: packageRoot,
    env: { PATH: process.env.PATH, ...env },
  });
  return stdout;
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
    const stdout = await runScript(
      [
        `const m = await import('ccm-mock/client');`,
        `const info = await new m.CcmClient({ endpoint: process.env.ENDPOINT, auth: {} }).getWebServiceInfo();`,
        `console.log(JSON.stringify({ url: import.meta.resolve('ccm-mock/client'), names: Object.keys(m), info }));`,
      ],
      { ENDPOINT: mock.endpoint },
    );
    const out = JSON.parse(stdout) as { url: string; names: string[]; info: string };
    expect(out.url).toBe(pathToFileURL(DIST_CLIENT).href);
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

  it("import('ccm-mock') is the in-process API: exactly its public values, a handle with exactly its public members, no internals by path", async () => {
    const stdout = await runScript([
      `const m = await import('ccm-mock');`,
      `const mock = await m.createMockServer({ seed: 'package-test', clockStart: '2030-01-01T00:00:00Z', clockFrozen: true });`,
      `const info = await (await fetch(mock.endpoint, { method: 'POST', headers: { 'content-type': 'text/xml' },`,
      `  body: '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><getWebServiceInfo xmlns="http://ws.epki.comodo.com/"/></S:Body></S:Envelope>' })).text();`,
      `const out = { url: import.meta.resolve('ccm-mock'), names: Object.keys(m).sort(), members: Object.keys(mock).sort(),`,
      `  ca: Object.keys(mock.ca).sort(), seed: mock.seed, clock: mock.admin.clock(), frozen: Object.isFrozen(mock) && Object.isFrozen(mock.config),`,
      `  subject: mock.ca.root.x509.subject, info: info.includes('ccm-mock EPKIManager'),`,
      `  configError: await m.createMockServer({ delay: 'soon' }).catch((e) => e instanceof m.ConfigError && e.message) };`,
      `const internal = await import('ccm-mock/dist/server/mock-server.js').catch((e) => e.code);`,
      `let adminError;`,
      `try { mock.admin.order(1); } catch (e) { adminError = e instanceof m.AdminError && e.status; }`,
      `await mock.close();`,
      `console.log(JSON.stringify({ ...out, adminError, internal }));`,
    ]);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.url).toBe(pathToFileURL(DIST_MAIN).href);
    expect(out.names).toEqual(['AccountsError', 'AdminError', 'ConfigError', 'StoreError', 'createMockServer']);
    expect(out.members).toEqual(['admin', 'ca', 'close', 'config', 'endpoint', 'seed', 'url', 'wsdlUrl']);
    expect(out.ca).toEqual(['issuing', 'origin', 'root']);
    expect(out.seed).toBe('package-test');
    expect(out.clock).toMatchObject({ now: '2030-01-01T00:00:00.000Z', frozen: true });
    expect(out.frozen).toBe(true);
    expect(out.subject).toContain('ccm-mock TEST Root CA');
    expect(out.info).toBe(true);
    expect(out.configError).toMatch(/^option: .*delay/);
    expect(out.adminError).toBe(404);
    // internals are not reachable by path: the exports map refuses them
    expect(out.internal).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(existsSync(join(packageRoot, pkg.exports['.'].types))).toBe(true);
  });

  it("importing 'ccm-mock' generates no key, starts no worker and opens no socket: createMockServer() does (counted in the same process)", async () => {
    // node:crypto's and node:worker_threads' exports are replaced by counting wrappers before the package loads
    // (syncBuiltinESMExports carries them into `import { generateKeyPair } from 'node:crypto'`)
    const stdout = await runScript([
      `import { syncBuiltinESMExports } from 'node:module';`,
      `import crypto from 'node:crypto';`,
      `import net from 'node:net';`,
      `import threads from 'node:worker_threads';`,
      `const counts = { keyPairs: 0, workers: 0, listens: 0 };`,
      `import { promisify } from 'node:util';`,
      `const counted = (original, count) => {`,
      `  const wrapper = function (...args) { counts[count]++; return original.apply(this, args); };`,
      `  // promisify(generateKeyPair) resolves to { publicKey, privateKey } by a mark the original carries`,
      `  const promised = promisify(original);`,
      `  wrapper[promisify.custom] = (...args) => { counts[count]++; return promised(...args); };`,
      `  return wrapper;`,
      `};`,
      `crypto.generateKeyPair = counted(crypto.generateKeyPair, 'keyPairs');`,
      `crypto.generateKeyPairSync = counted(crypto.generateKeyPairSync, 'keyPairs');`,
      `crypto.webcrypto.subtle.generateKey = counted(crypto.webcrypto.subtle.generateKey, 'keyPairs');`,
      `const Worker = threads.Worker;`,
      `threads.Worker = class extends Worker { constructor(...args) { counts.workers++; super(...args); } };`,
      `net.Server.prototype.listen = counted(net.Server.prototype.listen, 'listens');`,
      `syncBuiltinESMExports();`,
      `const m = await import('ccm-mock');`,
      `const atImport = { ...counts };`,
      `const mock = await m.createMockServer({ signWorkers: '1' });`,
      `const started = { ...counts };`,
      `await mock.close();`,
      `console.log(JSON.stringify({ atImport, started }));`,
    ]);
    const { atImport, started } = JSON.parse(stdout) as Record<string, Record<string, number>>;
    expect(atImport).toEqual({ keyPairs: 0, workers: 0, listens: 0 });
    // the root, the issuing CA and the OCSP responder's keys; one signing worker; the HTTP server
    expect(started.keyPairs).toBeGreaterThanOrEqual(3);
    expect(started.workers).toBe(1);
    expect(started.listens).toBe(1);
  });

  it('the ccm bin runs from dist/: --help, and a call against the mock', async () => {
    expect(readFileSync(DIST_CCM, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const help = await exec(process.execPath, [DIST_CCM, '--help'], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH },
    });
    expect(help.stdout).toMatch(
      /^Usage: ccm \[--api soap\|rest\] COMMAND \[options\][\s\S]*Commands:[\s\S]*conformance[\s\S]*Exit codes:[\s\S]*130 {2}interrupted/,
    );
    const info = await exec(process.execPath, [DIST_CCM, 'info', '--url', mock.url], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH },
    });
    expect(info.stdout).toMatch(/^ccm-mock EPKIManager/);
  });

  it('the ccm-mock bin runs from dist/: --version is the package version', async () => {
    expect(readFileSync(DIST_CCM_MOCK, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const { stdout } = await exec(process.execPath, [DIST_CCM_MOCK, '--version'], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH },
    });
    expect(stdout.trim()).toBe(pkg.version);
  });
});

describe('the tarball (npm pack)', () => {
  let files: string[] = [];

  beforeAll(async () => {
    // --ignore-scripts: list what would be packed from this dist/ without rebuilding it (prepare would)
    const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path).sort();
  });

  it('holds no tests, benchmarks, CI or build configuration, no TypeScript sources and no source maps', () => {
    expect(files.filter((f) => /^(test|bench|\.ci|\.github)\//.test(f))).toEqual([]);
    expect(
      files.filter((f) => /(^|\/)(tsconfig[^/]*\.json|vitest[^/]*|eslint[^/]*|Dockerfile|\.[^/]+)$/.test(f)),
    ).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('docs/examples/'))).toEqual(
      [],
    );
  });

  it('ships what runs: a .js and a .d.ts in dist/ for every source, nothing else in dist/, and the files the server reads (the WSDL, the default accounts, package.json)', () => {
    const sources = SOURCE_DIRS.flatMap((d) => tsFiles(join(packageRoot, d))).map((f) =>
      relative(packageRoot, f).replace(/\.ts$/, ''),
    );
    const built = sources.flatMap((s) => [`dist/${s}.js`, `dist/${s}.d.ts`]).sort();
    expect(files.filter((f) => f.startsWith('dist/'))).toEqual(built);
    for (const read of [wsdlPath, DEFAULT_ACCOUNTS_FILE, join(packageRoot, 'package.json')])
      expect(files).toContain(relative(packageRoot, read));
  });

  it('ships the README, LICENSE, CHANGELOG and every docs page the README links; its file count stays small', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'CHANGELOG.md']));
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\((docs\/[^)#\s]+\.md)(#[^)]*)?\)/g)].map((m) => m[1]);
    expect(files).toEqual(expect.arrayContaining([...new Set(linked)]));
    // beside dist/ (exactly two files per module: the test above), a handful of documents; before the files list the
    // tarball held 487 files, tests, benchmarks and CI among them
    const other = files.filter((f) => !f.startsWith('dist/'));
    expect(other.length).toBeLessThan(60);
  });
});
