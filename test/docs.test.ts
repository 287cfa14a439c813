import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTriggerTexts } from '../server/domain/status-triggers.js';
import { packageRoot } from '../wsdl/paths.js';
import { STATUS_CODES, statusSource } from '../wsdl/status-codes.js';
import { readmePath, renderReadme, statusCodeTable } from './support/readme-tables.js';

describe('README', () => {
  it('has every generated table exactly as its source makes it: accounts fixture, catalog, CONFIG_KEYS, ... (npm run docs)', () => {
    const text = readFileSync(readmePath, 'utf8');
    expect(renderReadme(text)).toBe(text);
  });

  it('heads each status-code note with the source of its operations: a code ccm-mock extends names the operations it extends to', () => {
    const notes = statusCodeTable()
      .split('\n')
      .filter((l) => l.startsWith('- **'));
    for (const e of STATUS_CODES.filter((x) => x.note)) {
      const mine = e.operations.filter((op) => statusSource(e.code, op) === 'ccm-mock');
      const header =
        mine.length === e.operations.length
          ? 'ccm-mock'
          : mine.length
            ? `ccm-mock for ${mine.join(', ')}; guide elsewhere`
            : 'guide';
      expect(notes.find((l) => l.startsWith(`- **${e.code}** (`))).toContain(`- **${e.code}** (${header}): `);
    }
    expect(notes.find((l) => l.startsWith('- **-20**'))).toContain('(ccm-mock for getCollectStatus; guide elsewhere)');
  });

  it('names only files that exist: the READMEs, CONTRIBUTING.md and the catalog (a fixture it cites, a test it points at)', () => {
    const texts = ['README.md', 'CONTRIBUTING.md', 'fixtures/csr/README.md'].map((f) =>
      readFileSync(join(packageRoot, f), 'utf8'),
    );
    texts.push(...STATUS_CODES.map((e) => e.note ?? ''), ...allTriggerTexts());
    const paths = new Set(
      texts.flatMap((t) => t.match(/(?<![\w./-])(?:fixtures|test|server|client|wsdl|bench|docs)\/[\w./-]*\w/g) ?? []),
    );
    expect(paths.size).toBeGreaterThan(10);
    expect([...paths].filter((p) => !existsSync(join(packageRoot, p)))).toEqual([]);
  });
});
