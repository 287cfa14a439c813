import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../wsdl/paths.js';

/**
 * CONTRIBUTING.md's "may import" column, for the folders whose rule is strict: each relative import of
 * their sources is held against it (packages are not checked).
 */

interface Import {
  file: string;
  target: string;
  typeOnly: boolean;
}

function sources(folder: string): string[] {
  return readdirSync(join(packageRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));
}

function importsOf(folder: string): Import[] {
  const out: Import[] = [];
  for (const file of sources(folder)) {
    const text = readFileSync(join(packageRoot, file), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'(\.[^']+)'/gm)) {
      const target = relative(packageRoot, join(packageRoot, dirname(file), m[2])).replace(/\.js$/, '.ts');
      out.push({ file, target, typeOnly: !!m[1] });
    }
  }
  return out;
}

const inside = (target: string, ...folders: string[]) => folders.some((f) => target.startsWith(f + '/'));

describe("CONTRIBUTING's import rules", () => {
  it('finds the imports it checks', () => {
    expect(importsOf('server/soap').some((i) => i.target === 'server/soap/base-url.ts')).toBe(true);
  });

  it('wsdl/ imports nothing of ours outside wsdl/', () => {
    expect(importsOf('wsdl').filter((i) => !inside(i.target, 'wsdl'))).toEqual([]);
  });

  it('server/soap/ imports wsdl/, itself and only types from server/domain', () => {
    expect(importsOf('server/soap').filter((i) => !inside(i.target, 'wsdl', 'server/soap') && !(i.typeOnly && inside(i.target, 'server/domain')))).toEqual([]);
  });

  it('server/domain/ imports wsdl/, server/ca, server/store and itself', () => {
    expect(importsOf('server/domain').filter((i) => !inside(i.target, 'wsdl', 'server/domain', 'server/ca', 'server/store'))).toEqual([]);
  });

  it('server/ca/ imports nothing above it', () => {
    expect(importsOf('server/ca').filter((i) => !inside(i.target, 'server/ca'))).toEqual([]);
  });

  it('server/store/ imports itself and the types of server/domain/orders.ts', () => {
    expect(importsOf('server/store').filter((i) => !inside(i.target, 'server/store') && !(i.typeOnly && i.target === 'server/domain/orders.ts'))).toEqual([]);
  });

  it('client/ imports wsdl/ and itself only (it must work against a live CCM)', () => {
    expect(importsOf('client').filter((i) => !inside(i.target, 'wsdl', 'client'))).toEqual([]);
  });
});
