import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../wsdl/paths.js';

/**
 * Nothing the project ships points outside the repository: a user has neither the team's shared reference folder
 * beside the checkout nor anyone's workspace. What the project knows about the live service is docs/wire-fidelity.md.
 * Shipped: every file `npm pack` would publish, and the product folders and files whatever package.json's `files`
 * says (the Docker image and a clone carry them too). test/ and .ci/ are exempt: CI may use the shared tools.
 */

const exec = promisify(execFile);

/** A path outside the repository: the sibling `shared` folder, or the team's workspace root. */
const OUTSIDE = /\.\.\/shared\b|\/work\//;

const EXEMPT = /^(test|\.ci)\//;
const PRODUCT_DIRS = ['server', 'client', 'wsdl', 'fixtures', 'docs'];
const PRODUCT_FILES = ['README.md', 'CONTRIBUTING.md', 'Dockerfile', '.dockerignore', 'package.json'];

function filesUnder(dir: string): string[] {
  return readdirSync(join(packageRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    return e.isDirectory() ? filesUnder(path) : [path];
  });
}

async function packedFiles(): Promise<string[]> {
  const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: packageRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [pack] = JSON.parse(stdout) as [{ files: Array<{ path: string }> }];
  return pack.files.map((f) => f.path);
}

describe('shipped files', () => {
  it('name no path outside the repository', async () => {
    const packed = await packedFiles();
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', 'wsdl/EPKIManager.wsdl']));
    const product = [...PRODUCT_DIRS.flatMap(filesUnder), ...PRODUCT_FILES].filter((f) =>
      existsSync(join(packageRoot, f)),
    );
    const shipped = [...new Set([...packed, ...product])].filter((f) => !EXEMPT.test(f)).sort();
    expect(shipped).toEqual(expect.arrayContaining(['docs/wire-fidelity.md', 'server/cli.ts', 'Dockerfile']));
    const offenders = shipped.filter((f) => OUTSIDE.test(readFileSync(join(packageRoot, f), 'latin1')));
    expect(offenders).toEqual([]);
  });

  it('the pattern catches both kinds of outside path, and not a relative path inside', () => {
    expect(OUTSIDE.test('written from ../shared/reference/wire-format.md')).toBe(true);
    expect(OUTSIDE.test('cd /work/main && npm test')).toBe(true);
    expect(OUTSIDE.test('see docs/wire-fidelity.md and ../wsdl/EPKIManager.wsdl')).toBe(false);
  });
});
