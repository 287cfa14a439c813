import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { packageRoot } from '../../wsdl/paths.js';

/**
 * The packed suite's global setup: `npm pack` the repository (as `npm publish` would: prepare builds dist/ first), then
 * a new project that installs the tarball the way a user's project installs it from the registry, beside the test
 * tools the docs' recipes use. Dependencies come from npm's cache where they are in it (the repository's own install
 * put most there) and from the registry otherwise; better-sqlite3 builds its native module as it does for any user.
 */

const exec = promisify(execFile);

/** The Testcontainers major the recipe is written for: 12 needs Node 22 (its undici crashes on Node 20 at import). */
export const TESTCONTAINERS_VERSION = '11.14.0';

export interface Consumer {
  /** the new project; node_modules/ccm-mock is the installed tarball, and each recipe of docs/examples/ a folder */
  dir: string;
  tarball: string;
  /** the tarball's entries, as npm pack listed them */
  packed: string[];
  version: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    consumer: Consumer;
  }
}

/** The version of a devDependency as this repository has it installed: the same one npm's cache holds. */
const installed = (name: string) =>
  (JSON.parse(readFileSync(join(packageRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;

export default async function setup(project: TestProject) {
  const work = mkdtempSync(join(tmpdir(), 'ccm-mock-packed-'));
  const npm = (args: string[], cwd: string) =>
    exec('npm', args, { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });

  const { stdout } = await npm(['pack', '--json', '--pack-destination', work], packageRoot);
  // prepare's build writes to stdout before npm's JSON
  const [pack] = JSON.parse(stdout.slice(stdout.indexOf('\n[') + 1)) as [
    { filename: string; version: string; files: Array<{ path: string }> },
  ];
  const tarball = join(work, pack.filename);

  const dir = join(work, 'consumer');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'ccm-mock-consumer',
        private: true,
        type: 'module',
        // npm 11 asks a project to approve its dependencies' install scripts: ccm-mock's store needs better-sqlite3's;
        // testcontainers' SSH transport works without its optional native builds (minutes of compiling here)
        allowScripts: { 'better-sqlite3': true, ssh2: false, 'cpu-features': false, protobufjs: false },
      },
      null,
      2,
    ),
  );
  await npm(
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--save-dev',
      tarball,
      `vitest@${installed('vitest')}`,
      `typescript@${installed('typescript')}`,
      `@types/node@${installed('@types/node')}`,
      `testcontainers@${TESTCONTAINERS_VERSION}`,
    ],
    dir,
  );
  // the docs' recipes, each in a folder of the project as a user would copy them
  for (const recipe of ['vitest', 'node-test', 'testcontainers'])
    cpSync(join(packageRoot, 'docs', 'examples', recipe), join(dir, recipe), { recursive: true });
  project.provide('consumer', { dir, tarball, packed: pack.files.map((f) => f.path), version: pack.version });
  return () => rmSync(work, { recursive: true, force: true });
}
