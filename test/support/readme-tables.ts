import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_MEANINGS } from '../../client/cli/commands.js';
import { ALL_CHECKS } from '../../client/conformance/runner.js';
import { ADMIN_ROUTES } from '../../server/admin/api.js';
import { CONFIG_KEYS } from '../../server/config.js';
import { TRANSPORT_FAULTS } from '../../server/domain/faults.js';
import { SCRIPT_TAG_EXAMPLES, SCRIPT_TAGS } from '../../server/domain/lifecycle.js';
import { packageRoot } from '../../wsdl/paths.js';
import { STATUS_CODES, statusText, statusTrigger } from '../../wsdl/status-codes.js';

/**
 * The README's generated tables (status codes, configuration keys), made from their sources of truth.
 * `npm run docs` rewrites them; test/docs.test.ts fails when the README is stale.
 */

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function statusCodeTable(): string {
  const rows = ['| code | operation | meaning | source | how to get it from the mock |', '| ---: | --- | --- | --- | --- |'];
  for (const entry of STATUS_CODES) {
    for (const op of entry.operations) {
      const source = entry.extendedTo?.includes(op) || entry.source === 'ccm-mock' ? 'ccm-mock' : 'guide';
      rows.push(`| ${entry.code} | \`${op}\` | ${cell(statusText(entry.code, op))} | ${source} | ${cell(statusTrigger(entry.code, op))} |`);
    }
  }
  const notes = STATUS_CODES.filter((e) => e.note).map((e) => `- **${e.code}** (${e.source === 'ccm-mock' || e.extendedTo ? 'ccm-mock' : 'guide'}): ${e.note}`);
  return [...rows, '', 'Notes on the choices:', '', ...notes].join('\n');
}

export function configTable(): string {
  const rows = ['| key | environment | flag | default | what it does |', '| --- | --- | --- | --- | --- |'];
  for (const k of CONFIG_KEYS) {
    const dflt = k.default === undefined ? '-' : `\`${String(k.default).replace(packageRoot + '/', '')}\``;
    const test = k.testDefault !== undefined ? ` (tests: \`${k.testDefault}\`)` : '';
    rows.push(`| ${k.key} | \`${k.env}\` | \`${k.flag}\` | ${dflt}${test} | ${cell(k.description)}${k.choices ? ` (${k.choices.join(', ')})` : ''} |`);
  }
  return rows.join('\n');
}

export function scriptTagTable(): string {
  const rows = ['| tag | example | what the order does |', '| --- | --- | --- |'];
  for (const [tag, effect] of Object.entries(SCRIPT_TAGS)) {
    rows.push(`| \`+${tag}\` | \`${SCRIPT_TAG_EXAMPLES[tag as keyof typeof SCRIPT_TAGS]}\` | ${cell(effect)} |`);
  }
  return rows.join('\n');
}

export function transportFaultTable(): string {
  return ['| transport | what the client gets |', '| --- | --- |', ...Object.entries(TRANSPORT_FAULTS).map(([k, v]) => `| \`${k}\` | ${cell(v)} |`)].join('\n');
}

export function adminRouteTable(): string {
  return ['| method | route | what it does |', '| --- | --- | --- |', ...ADMIN_ROUTES.map(([m, p, w]) => `| ${m} | \`${p}\` | ${cell(w)} |`)].join('\n');
}

export function conformanceChecksTable(): string {
  const rows = ['| check | tags | guide | verifies |', '| --- | --- | --- | --- |'];
  for (const c of ALL_CHECKS) rows.push(`| \`${c.name}\` | ${c.tags.join(', ')} | ${cell(c.guide)} | ${cell(c.title)} |`);
  return rows.join('\n');
}

export function exitCodeTable(): string {
  return ['| code | meaning |', '| ---: | --- |', ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `| ${code} | ${cell(meaning)} |`)].join('\n');
}

export const GENERATED: Record<string, () => string> = {
  'status-codes': statusCodeTable,
  config: configTable,
  'script-tags': scriptTagTable,
  'transport-faults': transportFaultTable,
  'admin-routes': adminRouteTable,
  'conformance-checks': conformanceChecksTable,
  'exit-codes': exitCodeTable,
};

export const readmePath = join(packageRoot, 'README.md');

export function renderReadme(text: string): string {
  let out = text;
  for (const [name, make] of Object.entries(GENERATED)) {
    const re = new RegExp(`(<!-- BEGIN GENERATED: ${name} [^>]*-->\\n)[\\s\\S]*?(<!-- END GENERATED: ${name} -->)`);
    if (!re.test(out)) throw new Error(`README.md has no generated section "${name}"`);
    out = out.replace(re, (_m, begin: string, end: string) => `${begin}${make()}\n${end}`);
  }
  return out;
}

if (process.argv.includes('--write')) {
  const before = readFileSync(readmePath, 'utf8');
  const after = renderReadme(before);
  writeFileSync(readmePath, after);
  console.log(before === after ? 'README.md: generated tables already up to date' : 'README.md: generated tables rewritten');
}
