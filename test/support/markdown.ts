import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../../wsdl/paths.js';

/** Reading markdown pages as GitHub renders them: their headings' anchors and their links. */

/** The text without its fenced code blocks (a `# comment` in a shell block is no heading). */
const withoutFences = (text: string) => text.replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, '');

/** The text without fenced code blocks and inline code spans (neither holds links). */
const prose = (text: string) => withoutFences(text).replace(/`[^`\n]*`/g, 'code');

/** A heading's anchor as GitHub makes it: the text lower-cased, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors of a page's headings; a repeated heading gets -1, -2, ... as on GitHub. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of withoutFences(text).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** The targets of a page's links and images, as written (`docs/ca.md#crls`, `#status-codes`, `https://...`). */
export function links(text: string): string[] {
  return [...prose(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

const isExternal = (target: string) => /^[a-z][a-z\d+.-]*:/i.test(target);

/**
 * What is wrong with each relative link of a page (path relative to the package root): a file that does not
 * exist, a path leaving the repository, an anchor no heading of the target page makes. Empty when all resolve.
 */
export function brokenLinks(page: string, text = readFileSync(join(packageRoot, page), 'utf8')): string[] {
  const problems: string[] = [];
  for (const target of links(text)) {
    if (isExternal(target)) continue;
    const [path, anchor] = target.split('#', 2) as [string, string | undefined];
    if (!path) {
      if (!anchors(text).has(anchor!)) problems.push(`${page}: ${target}: no heading #${anchor} on the page`);
      continue;
    }
    const file = resolve(dirname(join(packageRoot, page)), decodeURI(path));
    const inRepo = relative(packageRoot, file);
    if (inRepo.startsWith('..')) {
      problems.push(`${page}: ${target} leaves the repository`);
      continue;
    }
    if (!existsSync(file)) {
      problems.push(`${page}: ${target}: no file ${inRepo}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!file.endsWith('.md') || statSync(file).isDirectory()) {
      problems.push(`${page}: ${target}: an anchor into a file that is not a markdown page`);
      continue;
    }
    if (!anchors(readFileSync(file, 'utf8')).has(anchor))
      problems.push(`${page}: ${target}: ${inRepo} has no heading #${anchor}`);
  }
  return problems;
}

/** The pages (relative to the package root) a page links to. */
export function linkedPages(page: string): Set<string> {
  const text = readFileSync(join(packageRoot, page), 'utf8');
  return new Set(
    links(text)
      .filter((t) => !isExternal(t) && !t.startsWith('#'))
      .map((t) => relative(packageRoot, resolve(dirname(join(packageRoot, page)), decodeURI(t.split('#')[0])))),
  );
}
