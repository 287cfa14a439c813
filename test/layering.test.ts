import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../wsdl/paths.js';

/**
 * CONTRIBUTING.md's "may import" column, for the folders whose rule is strict: each relative import of
 * their sources is held against it. The packages client/ and wsdl/ import must be runtime dependencies
 * (they ship as `ccm-mock/client`).
 */

interface Import {
  file: string;
  /** a relative import: the file it names, from the package root (.ts); a package: its specifier */
  target: string;
  typeOnly: boolean;
}

function sources(folder: string): string[] {
  return readdirSync(join(packageRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));
}

/** every import, export ... from and dynamic import() of a folder's sources */
function specifiersOf(folder: string): Array<{ file: string; spec: string; typeOnly: boolean }> {
  const out: Array<{ file: string; spec: string; typeOnly: boolean }> = [];
  for (const file of sources(folder)) {
    const text = readFileSync(join(packageRoot, file), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gm))
      out.push({ file, spec: m[2], typeOnly: !!m[1] });
    for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push({ file, spec: m[1], typeOnly: false });
  }
  return out;
}

function importsOf(folder: string): Import[] {
  return specifiersOf(folder)
    .filter((i) => i.spec.startsWith('.'))
    .map(({ file, spec, typeOnly }) => ({
      file,
      target: relative(packageRoot, join(packageRoot, dirname(file), spec)).replace(/\.js$/, '.ts'),
      typeOnly,
    }));
}

const packageName = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

function packagesOf(folder: string): Import[] {
  return specifiersOf(folder)
    .filter((i) => !i.spec.startsWith('.') && !i.spec.startsWith('node:') && !builtinModules.includes(i.spec))
    .map(({ file, spec, typeOnly }) => ({ file, target: packageName(spec), typeOnly }));
}

const dependencies = Object.keys(
  (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
    .dependencies,
);

const inside = (target: string, ...folders: string[]) => folders.some((f) => target.startsWith(f + '/'));

describe("CONTRIBUTING's import rules", () => {
  it('finds the imports it checks', () => {
    expect(importsOf('server/soap').some((i) => i.target === 'server/soap/base-url.ts')).toBe(true);
  });

  it('wsdl/ imports nothing of ours outside wsdl/', () => {
    expect(importsOf('wsdl').filter((i) => !inside(i.target, 'wsdl'))).toEqual([]);
  });

  it('server/soap/ imports wsdl/, itself, server/lib and only types from server/domain', () => {
    expect(
      importsOf('server/soap').filter(
        (i) =>
          !inside(i.target, 'wsdl', 'server/soap', 'server/lib') && !(i.typeOnly && inside(i.target, 'server/domain')),
      ),
    ).toEqual([]);
  });

  it('server/rest/ imports wsdl/, itself, server/lib and only types from server/domain', () => {
    expect(
      importsOf('server/rest').filter(
        (i) =>
          !inside(i.target, 'wsdl', 'server/rest', 'server/lib') && !(i.typeOnly && inside(i.target, 'server/domain')),
      ),
    ).toEqual([]);
  });

  it('server/lib/ imports nothing of ours outside it (plain helpers every layer may use)', () => {
    expect(importsOf('server/lib').filter((i) => !inside(i.target, 'server/lib'))).toEqual([]);
  });

  it('server/domain/ imports wsdl/, server/ca, server/store and itself', () => {
    expect(
      importsOf('server/domain').filter((i) => !inside(i.target, 'wsdl', 'server/domain', 'server/ca', 'server/store')),
    ).toEqual([]);
  });

  it('server/ca/ imports nothing above it', () => {
    expect(importsOf('server/ca').filter((i) => !inside(i.target, 'server/ca'))).toEqual([]);
  });

  it('server/store/ imports itself and the types of server/domain/orders.ts and persons.ts', () => {
    const domainTypes = ['server/domain/orders.ts', 'server/domain/persons.ts'];
    expect(
      importsOf('server/store').filter(
        (i) => !inside(i.target, 'server/store') && !(i.typeOnly && domainTypes.includes(i.target)),
      ),
    ).toEqual([]);
  });

  it('client/ imports wsdl/ and itself only (it must work against a live CCM)', () => {
    expect(importsOf('client').filter((i) => !inside(i.target, 'wsdl', 'client'))).toEqual([]);
  });

  it('the packages client/ and wsdl/ import are runtime dependencies (package.json "dependencies")', () => {
    const packages = [...packagesOf('client'), ...packagesOf('wsdl')];
    expect(packages.map((i) => i.target)).toContain('@peculiar/x509');
    expect(packages.filter((i) => !dependencies.includes(i.target))).toEqual([]);
  });
});
