import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_MEANINGS } from '../../client/cli/commands.js';
import { ALL_CHECKS } from '../../client/conformance/runner.js';
import { ADMIN_ROUTES } from '../../server/admin/api.js';
import { CONFIG_KEYS, DEFAULT_ACCOUNTS_FILE } from '../../server/config.js';
import { readAccountsFile } from '../../server/domain/accounts.js';
import { TRANSPORT_FAULTS } from '../../server/domain/faults.js';
import { SCRIPT_TAG_EXAMPLES, SCRIPT_TAGS } from '../../server/domain/lifecycle.js';
import { statusTrigger } from '../../server/domain/status-triggers.js';
import { packageRoot } from '../../wsdl/paths.js';
import { NOT_ANSWERED } from '../../wsdl/guide-codes.js';
import { STATUS_CODES, statusSource, statusText } from '../../wsdl/status-codes.js';

/**
 * The README's generated tables (default accounts, status codes, configuration keys, ...), made from their sources of truth.
 * `npm run docs` rewrites them; test/docs.test.ts fails when the README is stale.
 */

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function statusCodeTable(): string {
  const rows = [
    '| code | operation | meaning | source | how to get it from the mock |',
    '| ---: | --- | --- | --- | --- |',
  ];
  for (const entry of STATUS_CODES) {
    for (const op of entry.operations) {
      rows.push(
        `| ${entry.code} | \`${op}\` | ${cell(statusText(entry.code, op))} | ${statusSource(entry.code, op)} | ${cell(statusTrigger(entry.code, op))} |`,
      );
    }
  }
  // a code the guide lists for some operations and ccm-mock extends to others is a choice only for those
  const noteSource = (e: (typeof STATUS_CODES)[number]) => {
    const chosen = e.operations.filter((op) => statusSource(e.code, op) === 'ccm-mock');
    return chosen.length === e.operations.length
      ? 'ccm-mock'
      : chosen.length
        ? `ccm-mock for ${chosen.join(', ')}; guide elsewhere`
        : 'guide';
  };
  const notes = STATUS_CODES.filter((e) => e.note).map((e) => `- **${e.code}** (${noteSource(e)}): ${e.note}`);
  const unanswered = NOT_ANSWERED.map((n) => `- \`${n.operation}\` ${n.codes.join(', ')}: ${n.reason}`);
  return [
    ...rows,
    '',
    'Notes on the choices:',
    '',
    ...notes,
    '',
    "Codes the guide's tables list for an operation that ccm-mock never answers there, and why:",
    '',
    ...unanswered,
  ].join('\n');
}

const code = (v: string | number) => `\`${v}\``;
const list = (items: readonly (string | number)[]) => items.map(code).join(', ');

/** The default accounts fixture as two tables: customers with their admins and templates, then organizations. */
export function defaultAccountsTable(): string {
  const file = readAccountsFile(DEFAULT_ACCOUNTS_FILE);
  const customers = [
    '| `customerLoginUri` | admins: `login` / `password` (may act for) | KU/EKU templates | settings |',
    '| --- | --- | --- | --- |',
  ];
  const orgs = [
    '| customer | `orgId` / `secretKey` | name | email domains | departments | templates | settings |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of file.customers) {
    const admins = c.admins.map(
      (a) =>
        `${code(a.login)} / ${code(a.password)} (${a.organizations === 'all' ? 'every organization' : `only ${a.organizations.join(', ')}`})`,
    );
    const templates = c.templates.map((t) => code(t.shortName) + (t.retired ? ' (retired)' : ''));
    const forbids = (ops: readonly string[]) => (ops.length ? `forbids ${list(ops)} (-120)` : '');
    customers.push(
      `| ${code(c.customerLoginUri)} | ${admins.join('; ')} | ${templates.join(', ') || '-'} | ${forbids(c.forbiddenOperations) || '-'} |`,
    );
    for (const o of c.organizations) {
      const departments = o.departments.map((d) => d.name + (d.emails.length ? ` (${d.emails.join(', ')})` : ''));
      const settings = [
        o.autoRevokePrevious ? "auto-revokes a person's previous certificates" : '',
        forbids(o.forbiddenOperations),
        o.suspended ? 'suspended (-101)' : '',
        o.delay !== undefined ? `processing delay ${code(o.delay)}` : '',
      ].filter(Boolean);
      orgs.push(
        `| ${code(c.customerLoginUri)} | ${code(o.orgId)} / ${code(o.secretKey)} | ${cell(o.name)} | ${list(o.emailDomains) || '-'} | ${cell(departments.join(', ')) || '-'} | ${list(o.templates) || '-'} | ${settings.join('; ') || '-'} |`,
      );
    }
  }
  return [...customers, '', ...orgs].join('\n');
}

export function configTable(): string {
  const rows = ['| key | environment | flag | default | what it does |', '| --- | --- | --- | --- | --- |'];
  for (const k of CONFIG_KEYS) {
    const dflt = k.default === undefined ? '-' : `\`${String(k.default).replace(packageRoot + '/', '')}\``;
    const test = k.testDefault !== undefined ? ` (tests: \`${k.testDefault}\`)` : '';
    rows.push(
      `| ${k.key} | \`${k.env}\` | \`${k.flag}\` | ${dflt}${test} | ${cell(k.description)}${k.choices ? ` (${k.choices.join(', ')})` : ''}${k.max !== undefined ? ` (at most ${k.max})` : ''} |`,
    );
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
  return [
    '| transport | what the client gets |',
    '| --- | --- |',
    ...Object.entries(TRANSPORT_FAULTS).map(([k, v]) => `| \`${k}\` | ${cell(v)} |`),
  ].join('\n');
}

export function adminRouteTable(): string {
  return [
    '| method | route | what it does |',
    '| --- | --- | --- |',
    ...ADMIN_ROUTES.map(([m, p, w]) => `| ${m} | \`${p}\` | ${cell(w)} |`),
  ].join('\n');
}

export function conformanceChecksTable(): string {
  const rows = ['| check | tags | guide | verifies |', '| --- | --- | --- | --- |'];
  for (const c of ALL_CHECKS)
    rows.push(`| \`${c.name}\` | ${c.tags.join(', ')} | ${cell(c.guide)} | ${cell(c.title)} |`);
  return rows.join('\n');
}

export function exitCodeTable(): string {
  return [
    '| code | meaning |',
    '| ---: | --- |',
    ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `| ${code} | ${cell(meaning)} |`),
  ].join('\n');
}

export const GENERATED: Record<string, () => string> = {
  'default-accounts': defaultAccountsTable,
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
  console.log(
    before === after ? 'README.md: generated tables already up to date' : 'README.md: generated tables rewritten',
  );
}
