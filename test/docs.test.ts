import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTriggerTexts } from '../server/domain/status-triggers.js';
import { packageRoot } from '../wsdl/paths.js';
import { STATUS_CODES, statusSource } from '../wsdl/status-codes.js';
import { anchors, brokenLinks, linkedPages, links, slug } from './support/markdown.js';
import { docFiles, GENERATED, generatedIn, renderDoc, renderDocs, statusCodeTable } from './support/readme-tables.js';

const read = (file: string) => readFileSync(join(packageRoot, file), 'utf8');

describe('generated tables (npm run docs)', () => {
  it('every page has its generated tables exactly as their sources make them: accounts fixture, catalog, CONFIG_KEYS, ...', () => {
    const pages = renderDocs();
    expect(pages.flatMap((p) => generatedIn(p.before)).sort()).toEqual(Object.keys(GENERATED).sort());
    for (const { file, before, after } of pages) expect(after, `${file} is stale: run npm run docs`).toBe(before);
  });

  it('keeps the default accounts on the landing page', () => {
    expect(generatedIn(read('README.md'))).toEqual(['default-accounts']);
  });

  it('rewrites a stale table, and refuses a marker naming no table or one left open', () => {
    const stale = '<!-- BEGIN GENERATED: exit-codes (npm run docs) -->\n| old |\n<!-- END GENERATED: exit-codes -->\n';
    expect(renderDoc(stale)).toContain('| 130 |');
    expect(renderDoc(stale)).not.toContain('| old |');
    expect(() =>
      renderDoc('<!-- BEGIN GENERATED: no-such (npm run docs) -->\n<!-- END GENERATED: no-such -->'),
    ).toThrow(/"no-such" is none of/);
    expect(() => renderDoc('<!-- BEGIN GENERATED: exit-codes (npm run docs) -->\n| old |\n')).toThrow(/without its/);
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
});

describe('the pages', () => {
  it('name only files that exist: the pages, fixtures/csr/README.md and the catalog (a fixture it cites, a test it points at)', () => {
    const texts = [...docFiles(), 'fixtures/csr/README.md'].map(read);
    texts.push(...STATUS_CODES.map((e) => e.note ?? ''), ...allTriggerTexts());
    const paths = new Set(
      texts.flatMap((t) => t.match(/(?<![\w./-])(?:fixtures|test|server|client|wsdl|bench|docs)\/[\w./-]*\w/g) ?? []),
    );
    expect(paths.size).toBeGreaterThan(10);
    expect([...paths].filter((p) => !existsSync(join(packageRoot, p)))).toEqual([]);
  });

  it('link only to files and headings that exist, inside the repository', () => {
    const all = docFiles().flatMap((f) => links(read(f)));
    expect(all.length).toBeGreaterThan(40);
    expect(all.filter((t) => t.includes('#')).length).toBeGreaterThan(5);
    expect(docFiles().flatMap((f) => brokenLinks(f))).toEqual([]);
  });

  it('the README and the docs index link every page of docs/', () => {
    const pages = docFiles().filter((f) => f.startsWith('docs/') && f !== 'docs/README.md');
    expect(pages.length).toBeGreaterThan(10);
    for (const index of ['README.md', 'docs/README.md']) {
      const linked = linkedPages(index);
      expect(
        pages.filter((p) => !linked.has(p)),
        `${index} does not link these pages`,
      ).toEqual([]);
    }
    expect(linkedPages('README.md')).toContain('docs/README.md');
    expect(linkedPages('README.md')).toContain('CONTRIBUTING.md');
  });

  it('the link checker reads anchors as GitHub makes them, and catches a broken link', () => {
    expect(slug('The client library: `ccm-mock/client`')).toBe('the-client-library-ccm-mockclient');
    expect(slug('Wire fidelity: what is confirmed and what is chosen')).toBe(
      'wire-fidelity-what-is-confirmed-and-what-is-chosen',
    );
    expect(slug('Revocation: CRL and OCSP')).toBe('revocation-crl-and-ocsp');
    expect([...anchors('# A\n```\n# not a heading\n```\n## A\n### B_c (d)\n')]).toEqual(['a', 'a-1', 'b_c-d']);
    expect(links('[a](x.md#y) `[b](z.md)` ![c](d.png)\n```\n[e](f.md)\n```\n')).toEqual(['x.md#y', 'd.png']);
    const page = '[ok](../README.md#default-accounts) [a](../README.md#no-such) [b](nope.md) [c](../../out.md) [d](#x)';
    expect(brokenLinks('docs/page.md', page)).toEqual([
      'docs/page.md: ../README.md#no-such: README.md has no heading #no-such',
      'docs/page.md: nope.md: no file docs/nope.md',
      'docs/page.md: ../../out.md leaves the repository',
      'docs/page.md: #x: no heading #x on the page',
    ]);
  });
});

describe("docs/wire-fidelity.md's Metro differential figures", () => {
  // the corpus and the deviations list decide every number the page quotes; Metro only confirms them
  it('quote the corpus as it is: requests per group, answers compared, identical and deviating', async () => {
    const { corpus } = await import('./metro/corpus.js');
    const { DEVIATIONS } = await import('./metro/deviations.js');
    const { PROFILES } = await import('./metro/oracle.js');
    const page = read('docs/wire-fidelity.md').replace(/\s+/g, ' ');
    const cases = corpus();
    const compared = cases.length * PROFILES.length;
    const deviating = Object.keys(DEVIATIONS).length * PROFILES.length;
    expect(page).toContain(
      `${cases.length} requests, each sent once for each of two namespaces: ${compared} answers compared`,
    );
    expect(PROFILES.length).toBe(2);
    expect(page).toContain(
      `**${compared} answers compared, ${compared - deviating} identical, ${deviating} documented deviations** (the ${Object.keys(DEVIATIONS).length} cases`,
    );
    const groups = new Map<string, number>();
    for (const c of cases) groups.set(c.group, (groups.get(c.group) ?? 0) + 1);
    const rows = [...page.matchAll(/\| `\[([a-z-]+)\]` \| (\d+) \|/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual([...groups.entries()]);
  });
});
