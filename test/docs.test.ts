import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../wsdl/paths.js';
import { STATUS_CODES } from '../wsdl/status-codes.js';
import { readmePath, renderReadme } from './support/readme-tables.js';

describe('README', () => {
  it('has every generated table exactly as its source makes it: accounts fixture, catalog, CONFIG_KEYS, ... (npm run docs)', () => {
    const text = readFileSync(readmePath, 'utf8');
    expect(renderReadme(text)).toBe(text);
  });

  it('names only files that exist: the READMEs, CONTRIBUTING.md and the catalog (a fixture it cites, a test it points at)', () => {
    const texts = ['README.md', 'CONTRIBUTING.md', 'fixtures/csr/README.md'].map((f) => readFileSync(join(packageRoot, f), 'utf8'));
    texts.push(...STATUS_CODES.flatMap((e) => [e.trigger, e.note ?? '', ...Object.values(e.triggerByOperation ?? {})]));
    const paths = new Set(texts.flatMap((t) => t.match(/(?<![\w./-])(?:fixtures|test|server|client|wsdl|bench|docs)\/[\w./-]*\w/g) ?? []));
    expect(paths.size).toBeGreaterThan(10);
    expect([...paths].filter((p) => !existsSync(join(packageRoot, p)))).toEqual([]);
  });
});
