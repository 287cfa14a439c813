import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../wsdl/paths.js';

/**
 * CONTRIBUTING.md's "may import" column, for the folders whose rule is strict: each relative import of
 * their sources is held against it. The packages client/ and wsdl/ import must be runtime dependencies
 * (they ship as `ccm-mock/client`). And no dead weight: every declared dependency is used by something.
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

/** every import, export ... from and dynamic import() of a folder's sources (or of the files given) */
function specifiersOf(folder: string | string[]): Array<{ file: string; spec: string; typeOnly: boolean }> {
  const out: Array<{ file: string; spec: string; typeOnly: boolean }> = [];
  for (const file of typeof folder === 'string' ? sources(folder) : folder) {
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

function packagesOf(folder: string | string[]): Import[] {
  return specifiersOf(folder)
    .filter((i) => !i.spec.startsWith('.') && !i.spec.startsWith('node:') && !builtinModules.includes(i.spec))
    .map(({ file, spec, typeOnly }) => ({ file, target: packageName(spec), typeOnly }));
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  bin?: string | Record<string, string>;
}
const readManifest = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest;
const manifest = readManifest(join(packageRoot, 'package.json'));
const dependencies = Object.keys(manifest.dependencies ?? {});

const inside = (target: string, ...folders: string[]) => folders.some((f) => target.startsWith(f + '/'));

describe("CONTRIBUTING's import rules", () => {
  it('finds the imports it checks', () => {
    expect(importsOf('server/soap').some((i) => i.target === 'server/soap/base-url.ts')).toBe(true);
  });

  it('wsdl/ imports nothing of ours outside wsdl/', () => {
    expect(importsOf('wsdl').filter((i) => !inside(i.target, 'wsdl'))).toEqual([]);
  });

  it('server/lib/ imports nothing of ours outside server/lib/ (every server folder may import it)', () => {
    expect(importsOf('server/lib').filter((i) => !inside(i.target, 'server/lib'))).toEqual([]);
  });

  it('server/soap/ imports wsdl/, server/lib/, itself and only types from server/domain', () => {
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

  it('server/domain/ imports wsdl/, server/ca, server/store, server/lib and itself', () => {
    expect(
      importsOf('server/domain').filter(
        (i) => !inside(i.target, 'wsdl', 'server/domain', 'server/ca', 'server/store', 'server/lib'),
      ),
    ).toEqual([]);
  });

  it('server/ca/ imports nothing above it (server/lib/ is beneath every layer)', () => {
    expect(importsOf('server/ca').filter((i) => !inside(i.target, 'server/ca', 'server/lib'))).toEqual([]);
  });

  it('server/store/ imports itself, server/lib/ and the types of server/domain/orders.ts and persons.ts', () => {
    const domainTypes = ['server/domain/orders.ts', 'server/domain/persons.ts'];
    expect(
      importsOf('server/store').filter(
        (i) => !inside(i.target, 'server/store', 'server/lib') && !(i.typeOnly && domainTypes.includes(i.target)),
      ),
    ).toEqual([]);
  });

  it('server/proxy/ imports wsdl/, client/ (drift, WSDL fetch, certificate reading), server/soap and a few named server files', () => {
    const allowed = [
      'server/config.ts',
      'server/logging.ts',
      'server/profile-file.ts',
      'server/mock-server.ts', // listen()
      'server/ca/durable-file.ts',
      'server/ca/bundle.ts',
      'server/http/health.ts', // the health paths
      'server/domain/accounts.ts', // the names of KeyUsage codes and EKU OIDs
    ];
    expect(
      importsOf('server/proxy').filter(
        (i) => !inside(i.target, 'wsdl', 'client', 'server/soap', 'server/proxy') && !allowed.includes(i.target),
      ),
    ).toEqual([]);
  });

  it('the CLI loads server/proxy/ only for the proxy command (`serve` does not pay for it at start-up)', () => {
    const cli = readFileSync(join(packageRoot, 'server', 'cli.ts'), 'utf8');
    expect(cli).toMatch(/\bimport\('\.\/proxy\/proxy\.js'\)/);
    expect(cli.match(/^\s*import\s[^(]*?\sfrom\s+'\.\/proxy\/[^']+'/gm) ?? []).toEqual([]);
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

// ---- no dead weight ----

/** Every source and config file of the repository (.ts, .js, .mjs, .cjs), outside what is installed or built. */
function repositorySources(dir = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(packageRoot, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist', 'coverage', 'bench/results'].includes(path) && !entry.name.startsWith('.'))
        out.push(...repositorySources(path));
    } else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The commands of the npm scripts (`A=1 tsx x.ts && vitest run` gives tsx and vitest). */
function scriptCommands(scripts: Record<string, string>): string[] {
  return Object.values(scripts).flatMap((script) =>
    script.split(/&&|\|\||[;|]/).flatMap((part) => {
      const words = part.trim().split(/\s+/);
      while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words.shift(); // VAR=value before it
      if (words[0] === 'npx') words.shift();
      return words[0] ? [words[0]] : [];
    }),
  );
}

/** The commands an installed package provides (its package.json "bin"). */
function binsOf(name: string): string[] {
  const file = join(packageRoot, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return [];
  const { bin } = readManifest(file);
  return typeof bin === 'string' ? [name.replace(/^@[^/]+\//, '')] : Object.keys(bin ?? {});
}

/**
 * Declared without being imported or run, on purpose. Each needs its reason; anything else unused is dead weight.
 */
const USED_WITHOUT_IMPORT: Record<string, string> = {
  vite: "vitest's own dependency, declared to pin ~8.3.8: vite 8.4.0 names an optional dependency the npm registry does not have, and npm ci then fails",
};

/** The declared dependencies (both kinds) that nothing imports, no script runs, and USED_WITHOUT_IMPORT does not name. */
function unusedDependencies(m: Manifest, imported: Set<string>, commands: Set<string>): string[] {
  const declared = [...Object.keys(m.dependencies ?? {}), ...Object.keys(m.devDependencies ?? {})];
  const used = (name: string): boolean => {
    if (imported.has(name) || name in USED_WITHOUT_IMPORT) return true;
    if (binsOf(name).some((bin) => commands.has(bin))) return true;
    // @types/x is used when x is (@types/a__b types @a/b); @types/node is Node's own API, which every source uses
    const typed = /^@types\/(.+)$/.exec(name)?.[1];
    if (typed === 'node') return true;
    return typed !== undefined && used(typed.includes('__') ? `@${typed.replace('__', '/')}` : typed);
  };
  return declared.filter((name) => !used(name));
}

describe('no dead weight in package.json', () => {
  const files = repositorySources();
  const imported = new Set(packagesOf(files).map((i) => i.target));
  const commands = new Set(scriptCommands(manifest.scripts ?? {}));

  it('reads imports from every corner of the repository, and script commands', () => {
    expect(files).toEqual(expect.arrayContaining(['eslint.config.js', 'vitest.config.ts', 'bench/run.ts']));
    expect(files.some((f) => f.startsWith('node_modules/') || f.startsWith('dist/'))).toBe(false);
    // one of each way of being used: imported by the server, by tests only, by a config file; run by a script
    for (const name of ['express', 'fast-check', 'typescript-eslint']) expect(imported).toContain(name);
    expect(scriptCommands({ a: 'FUZZ_RUNS=${FUZZ_RUNS:-3} vitest run x && tsc -p y', b: 'npx tsx z.ts' })).toEqual([
      'vitest',
      'tsc',
      'tsx',
    ]);
    expect(binsOf('typescript')).toContain('tsc');
  });

  it('reports a declared dependency nothing uses', () => {
    const m = { dependencies: { express: '5' }, devDependencies: { 'left-pad': '1', '@types/left-pad': '1' } };
    expect(unusedDependencies(m, imported, commands)).toEqual(['left-pad', '@types/left-pad']);
  });

  it('every dependency and devDependency is imported, run by an npm script, or named with its reason', () => {
    expect(unusedDependencies(manifest, imported, commands)).toEqual([]);
  });

  it('every runtime dependency is imported by what ships (server/, client/, wsdl/); what only tests use is a devDependency', () => {
    const shipped = new Set(['server', 'client', 'wsdl'].flatMap((f) => packagesOf(f)).map((i) => i.target));
    expect(dependencies.filter((name) => !shipped.has(name))).toEqual([]);
  });
});
