import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_MEANINGS } from '../../client/cli/commands.js';
import { ALL_CHECKS, checkApi } from '../../client/conformance/runner.js';
import type { CheckApi } from '../../client/conformance/check.js';
import { ADMIN_ROUTES } from '../../server/admin/api.js';
import { MAX_ADMIN_TEXT, MAX_PAGE } from '../../server/admin/schemas.js';
import { RECENT_BUNDLES } from '../../server/ca/bundle.js';
import { INTERMEDIATE_VARIANTS_KEPT } from '../../server/ca/intermediate-variants.js';
import { MAX_DURATION_MS } from '../../server/domain/clock.js';
import { MAX_FAULT_COUNT } from '../../server/domain/faults.js';
import { MAX_RECORDED_CHARS } from '../../server/lib/truncate.js';
import { WSDL_CACHE_SIZE } from '../../server/soap/endpoint.js';
import { PLAIN_STRING_MAX, PLAIN_STRINGS_KEPT } from '../../wsdl/codec/encode.js';
import { CONFIG_KEYS, DEFAULT_ACCOUNTS_FILE, MIN_ADMIN_TOKEN_CHARS } from '../../server/config.js';
import { PROFILE_SETTING_NAMES, PROFILE_SETTINGS } from '../../server/profile-file.js';
import { FINDING_CLASSES } from '../../server/proxy/findings.js';
import { ALWAYS_REDACTED, KEEPABLE } from '../../server/proxy/redaction.js';
import { readAccountsFile } from '../../server/domain/accounts.js';
import { TRANSPORT_FAULTS } from '../../server/domain/faults.js';
import { SCRIPT_TAG_EXAMPLES, SCRIPT_TAGS } from '../../server/domain/lifecycle.js';
import { statusTrigger } from '../../server/domain/status-triggers.js';
import { packageRoot } from '../../wsdl/paths.js';
import { NOT_ANSWERED } from '../../wsdl/guide-codes.js';
import { STATUS_CODES, statusSource, statusText } from '../../wsdl/status-codes.js';
import { RestDirectory } from '../../server/domain/rest-accounts.js';
import { REST_TRIGGERS } from '../../server/domain/rest-status-triggers.js';
import {
  COLLECT_FORMAT_INFO,
  COLLECT_FORMATS,
  DEFAULT_COLLECT_FORMAT,
  REST_BASE_PATH,
  REST_DECISIONS,
  REST_ENDPOINTS,
  REST_STATUS_CODES,
  type RestStatusName,
} from '../../wsdl/rest/index.js';

/**
 * The docs' generated tables (default accounts, status codes, configuration keys, ...), made from their sources of
 * truth. A table lives between `<!-- BEGIN GENERATED: name (npm run docs) -->` and `<!-- END GENERATED: name -->`
 * in whichever page of docFiles() holds its section (README.md, CONTRIBUTING.md, docs/*.md): moving a section to
 * another page moves its markers, nothing here. `npm run docs` rewrites them; test/docs.test.ts fails when a page
 * is stale.
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
    '| customer | `orgId` / `secretKey` | name | email domains | departments | templates | certificates ([profiles](docs/certificate-profiles.md)) | settings |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
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
      const { type, personalName, organizationIdentifier } = o.validation;
      const certificates = [
        `${type}-validated`,
        personalName === 'pseudonym' ? 'pseudonym' : '',
        organizationIdentifier ? code(organizationIdentifier) : '',
      ].filter(Boolean);
      orgs.push(
        `| ${code(c.customerLoginUri)} | ${code(o.orgId)} / ${code(o.secretKey)} | ${cell(o.name)} | ${list(o.emailDomains) || '-'} | ${cell(departments.join(', ')) || '-'} | ${list(o.templates) || '-'} | ${certificates.join(', ')} | ${settings.join('; ') || '-'} |`,
      );
    }
  }
  return [...customers, '', ...orgs].join('\n');
}

export function configTable(): string {
  const rows = ['| key | environment | flag | for | default | what it does |', '| --- | --- | --- | --- | --- | --- |'];
  for (const k of CONFIG_KEYS) {
    const dflt =
      k.default === undefined || k.default === '' ? '-' : `\`${String(k.default).replace(packageRoot + '/', '')}\``;
    const test = k.testDefault !== undefined ? ` (tests: \`${k.testDefault}\`)` : '';
    rows.push(
      `| ${k.key} | \`${k.env}\` | \`${k.flag}\` | ${(k.commands ?? ['serve']).join(', ')} | ${dflt}${test} | ${cell(k.description)}${k.choices ? ` (${k.choices.join(', ')})` : ''}${k.max !== undefined ? (k.min !== undefined ? ` (${k.min} to ${k.max})` : ` (at most ${k.max})`) : ''} |`,
    );
  }
  return rows.join('\n');
}

/** The settings a learned wire profile may hold (docs/proxy.md), from PROFILE_SETTINGS. */
export function profileSettingsTable(): string {
  const byKey = new Map(CONFIG_KEYS.map((k) => [k.key, k]));
  return [
    '| setting | value | `serve` flag / environment it fills | learned from |',
    '| --- | --- | --- | --- |',
    ...PROFILE_SETTING_NAMES.map((name) => {
      const key = byKey.get(name)!;
      const value = key.choices
        ? key.choices.join(', ')
        : key.kind === 'bool'
          ? 'true, false'
          : key.kind === 'int'
            ? 'a whole number'
            : 'text';
      return `| \`${name}\` | ${value} | \`${key.flag}\` / \`${key.env}\` | ${cell(PROFILE_SETTINGS[name].learnedFrom)} |`;
    }),
  ].join('\n');
}

/** The kinds of finding the proxy reports (docs/proxy.md), from FINDING_CLASSES. */
export function findingClassesTable(): string {
  return [
    '| class | what it reports |',
    '| --- | --- |',
    ...Object.entries(FINDING_CLASSES).map(([name, meaning]) => `| \`${name}\` | ${cell(meaning)} |`),
  ].join('\n');
}

/** What the proxy redacts (docs/proxy.md), from ALWAYS_REDACTED and KEEPABLE. */
export function redactionTable(): string {
  return [
    '| element text | redacted | kept with |',
    '| --- | --- | --- |',
    ...ALWAYS_REDACTED.map((name) => `| \`<${name}>\` | always | never |`),
    ...Object.entries(KEEPABLE).map(
      ([keep, elements]) =>
        `| ${elements.map((e) => `\`<${e}>\``).join(', ')} | by default | \`--record-keep ${keep}\` |`,
    ),
  ].join('\n');
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

/** The checks of one API (ALL_CHECKS in run order): SOAP's name the guide's sections, REST's the vendor's REST docs. */
function checksTable(api: CheckApi, reference: string): string {
  const rows = [`| check | tags | ${reference} | verifies |`, '| --- | --- | --- | --- |'];
  for (const c of ALL_CHECKS.filter((check) => checkApi(check) === api))
    rows.push(`| \`${c.name}\` | ${c.tags.join(', ')} | ${cell(c.guide)} | ${cell(c.title)} |`);
  return rows.join('\n');
}

export const conformanceChecksTable = () => checksTable('soap', 'guide');
export const conformanceRestChecksTable = () => checksTable('rest', 'documentation');

export function exitCodeTable(): string {
  return [
    '| code | meaning |',
    '| ---: | --- |',
    ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `| ${code} | ${cell(meaning)} |`),
  ].join('\n');
}

/**
 * The fixed bounds of what callers can fill or send, from the constants that enforce them (docs/security.md);
 * the configurable ones are in the configuration table.
 */
export function securityLimitsTable(): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const rows: Array<[string, string, string]> = [
    ['WSDLs rendered per base URL (Host header)', `${n(WSDL_CACHE_SIZE)} kept (LRU)`, '`server/soap/endpoint.ts`'],
    [
      'intermediates re-signed per base URL',
      `${n(INTERMEDIATE_VARIANTS_KEPT)} kept (LRU), besides the stored one`,
      '`server/ca/intermediate-variants.ts`',
    ],
    ["collect's certificate bundles", `${n(RECENT_BUNDLES)} kept (LRU), by leaf serial`, '`server/ca/bundle.ts`'],
    [
      'response strings known to need no XML escaping',
      `${n(PLAIN_STRINGS_KEPT)} kept, each of at most ${n(PLAIN_STRING_MAX)} characters (emptied when full)`,
      '`wsdl/codec/encode.ts`',
    ],
    [
      'caller-supplied text in a log line or journal entry (customer, fault text)',
      `${n(MAX_RECORDED_CHARS)} characters, then \`...[N more chars]\``,
      '`server/lib/truncate.ts`',
    ],
    [
      'a Host header used as a host name',
      '253 characters and a port; anything else is not a host (the URL falls back to localhost)',
      '`server/soap/base-url.ts`',
    ],
    ['admin API texts (customer, email, reason, note)', `${n(MAX_ADMIN_TEXT)} characters`, '`server/admin/schemas.ts`'],
    [
      'admin API pages (orders, journal)',
      `${n(MAX_PAGE)} entries (\`limit\`), and at most ${n(MAX_PAGE)} faults per POST`,
      '`server/admin/schemas.ts`',
    ],
    ["a fault rule's `count`", n(MAX_FAULT_COUNT), '`server/domain/faults.ts`'],
    [
      'a duration (processing delay, `+delay` tag, clock advance)',
      `${n(MAX_DURATION_MS)} ms (100 years); a \`+delay\` tag beyond it is plain plus-addressing`,
      '`server/domain/clock.ts`',
    ],
    [
      "the mock's clock",
      "inside the issuing CA's validity, and never after 9999-12-31T23:59:59Z",
      '`server/domain/clock.ts`',
    ],
    ['the admin token', `at least ${n(MIN_ADMIN_TOKEN_CHARS)} characters`, '`server/config.ts`'],
  ];
  return [
    '| what | bound | enforced in |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Example files the docs show whole (docs/in-process.md, docs/testing-recipes.md), by the name of their generated section; test/recipes/ runs them. */
export const EXAMPLES: Record<string, string> = {
  'example-in-process-admin': 'docs/examples/in-process/admin.ts',
  'example-vitest-config': 'docs/examples/vitest/vitest.config.ts',
  'example-vitest-global-setup': 'docs/examples/vitest/ccm-mock.global-setup.ts',
  'example-vitest-test': 'docs/examples/vitest/enroll.test.ts',
  'example-node-test-runner': 'docs/examples/node-test/run-tests.js',
  'example-node-test-test': 'docs/examples/node-test/enroll.test.js',
  'example-testcontainers': 'docs/examples/testcontainers/ccm-mock.container.test.ts',
  'example-compose': 'compose.yaml',
  'example-github-actions': 'docs/examples/ci/github-actions.yml',
  'example-gitlab-ci': 'docs/examples/ci/gitlab-ci.yml',
};

const FENCE_LANGUAGES: Record<string, string> = { ts: 'ts', js: 'js', yaml: 'yaml', yml: 'yaml' };

/** A file as a fenced code block. */
export function exampleBlock(path: string): string {
  const language = FENCE_LANGUAGES[path.slice(path.lastIndexOf('.') + 1)];
  if (!language) throw new Error(`${path}: no code-block language for its extension`);
  return `\`\`\`${language}\n${readFileSync(join(packageRoot, path), 'utf8')}\`\`\``;
}

export function restEndpointTable(): string {
  return [
    '| method | path | query | operation | source | what it does |',
    '| --- | --- | --- | --- | --- | --- |',
    ...REST_ENDPOINTS.map(
      (e) =>
        `| ${e.method} | \`${REST_BASE_PATH}${e.path}\` | ${e.query.join(', ') || '-'} | \`${e.operation}\` | ${e.source === 'doc' ? 'vendor docs' : 'public clients'} | ${cell(e.summary)} |`,
    ),
  ].join('\n');
}

const SOURCE_WORDS = { doc: 'vendor docs', evidence: 'evidence', 'ccm-mock': 'ccm-mock' } as const;

export function restStatusCodeTable(): string {
  const rows = [
    '| code | HTTP | name | description | source | operations | how to get it from the mock |',
    '| ---: | ---: | --- | --- | --- | --- | --- |',
  ];
  for (const e of REST_STATUS_CODES) {
    const ops = e.operations.length === 0 ? 'any request under /api' : e.operations.map(code).join(', ');
    rows.push(
      `| ${e.code} | ${e.http} | ${e.name} | ${cell(e.description)} | ${SOURCE_WORDS[e.source]} | ${ops} | ${cell(REST_TRIGGERS[e.name as RestStatusName])} |`,
    );
  }
  const notes = REST_STATUS_CODES.filter((e) => e.note).map(
    (e) => `- **${e.code} ${e.name}** (${SOURCE_WORDS[e.source]}): ${e.note}`,
  );
  return [...rows, '', 'Notes:', '', ...notes].join('\n');
}

export function restDecisionTable(): string {
  return [
    '| question | answer | status |',
    '| --- | --- | --- |',
    ...REST_DECISIONS.map(
      (d) =>
        `| ${cell(d.question)} | ${cell(d.answer)}${d.setting ? ` (setting: \`${d.setting}\`)` : ''} | ${d.status} |`,
    ),
  ].join('\n');
}

export function restCollectFormatTable(): string {
  return [
    '| `format` | the docs say | ccm-mock sends | file |',
    '| --- | --- | --- | --- |',
    ...COLLECT_FORMATS.map((f) => {
      const info = COLLECT_FORMAT_INFO[f];
      return `| \`${f}\`${f === DEFAULT_COLLECT_FORMAT ? ' (default)' : ''} | ${cell(info.doc)} | ${cell(info.contents)} (${info.encoding === 'der' ? 'binary' : 'PEM'}) | \`.${info.extension}\` |`;
    }),
  ].join('\n');
}

/** The REST keys of the default fixture: each customer's profiles (and which organizations get them), its custom fields. */
export function restProfileTable(): string {
  const file = readAccountsFile(DEFAULT_ACCOUNTS_FILE);
  const rows = [
    '| customer | profile `id`: name | `terms` (days) | `keyTypes` | KU/EKU template | organizations given it | custom fields |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of file.customers) {
    const dir = new RestDirectory(c);
    const fields =
      dir
        .customFields()
        .map((f) => code(f.name) + (f.mandatory ? ' (mandatory)' : ''))
        .join(', ') || '-';
    for (const p of dir.profiles()) {
      const orgs = c.organizations.filter((o) => dir.profilesOf(o).some((q) => q.id === p.id)).map((o) => o.orgId);
      const keyTypes = Object.entries(p.keyTypes)
        .map(([alg, sizes]) => `${alg} ${sizes.join('/')}`)
        .join('; ');
      const fallback = c.rest?.profiles.length ? '' : ' (no `rest` key: the default)';
      rows.push(
        `| ${code(c.customerLoginUri)} | \`${p.id}\`: ${cell(p.name)}${fallback} | ${p.terms.join(', ')} | ${keyTypes} | ${p.template ? code(p.template) : 'the CA default'} | ${list(orgs) || '-'} | ${fields} |`,
      );
    }
  }
  return rows.join('\n');
}

export const GENERATED: Record<string, () => string> = {
  'security-limits': securityLimitsTable,
  'rest-endpoints': restEndpointTable,
  'rest-status-codes': restStatusCodeTable,
  'rest-decisions': restDecisionTable,
  'rest-collect-formats': restCollectFormatTable,
  'rest-profiles': restProfileTable,
  'default-accounts': defaultAccountsTable,
  'status-codes': statusCodeTable,
  config: configTable,
  'proxy-profile-settings': profileSettingsTable,
  'proxy-findings': findingClassesTable,
  'proxy-redaction': redactionTable,
  'script-tags': scriptTagTable,
  'transport-faults': transportFaultTable,
  'admin-routes': adminRouteTable,
  'conformance-checks': conformanceChecksTable,
  'conformance-rest-checks': conformanceRestChecksTable,
  'exit-codes': exitCodeTable,
  ...Object.fromEntries(Object.entries(EXAMPLES).map(([name, path]) => [name, () => exampleBlock(path)])),
};

export const readmePath = join(packageRoot, 'README.md');

/** A page of docs/, by file name (`docsPath('admin.md')`). */
export const docsPath = (page: string) => join(packageRoot, 'docs', page);

/** The markdown pages that may hold generated tables (and whose links test/docs.test.ts checks), relative to the root. */
export function docFiles(): string[] {
  const pages = readdirSync(join(packageRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort();
  return ['README.md', 'CONTRIBUTING.md', ...pages.map((f) => `docs/${f}`)];
}

const MARKER = /^<!-- BEGIN GENERATED: ([\w-]+) [^>]*-->\n[\s\S]*?<!-- END GENERATED: \1 -->/gm;

/** The names of the generated tables a page holds, in order. */
export const generatedIn = (text: string) => [...text.matchAll(MARKER)].map((m) => m[1]);

/** The page with each of its generated tables made anew; a marker naming no table of GENERATED is an error. */
export function renderDoc(text: string, file = 'a page'): string {
  const begins = text.match(/^<!-- BEGIN GENERATED: /gm)?.length ?? 0;
  if (begins !== generatedIn(text).length)
    throw new Error(`${file}: a <!-- BEGIN GENERATED: name ... --> without its <!-- END GENERATED: name -->`);
  return text.replace(MARKER, (whole, name: string) => {
    const make = GENERATED[name];
    if (!make) throw new Error(`${file}: generated section "${name}" is none of ${Object.keys(GENERATED).join(', ')}`);
    const begin = whole.slice(0, whole.indexOf('-->\n') + 4);
    return `${begin}${make()}\n<!-- END GENERATED: ${name} -->`;
  });
}

/** Every page of docFiles() rendered; each table of GENERATED must be on exactly one page. */
export function renderDocs(): Array<{ file: string; before: string; after: string }> {
  const pages = docFiles().map((file) => {
    const before = readFileSync(join(packageRoot, file), 'utf8');
    return { file, before, after: renderDoc(before, file) };
  });
  for (const name of Object.keys(GENERATED)) {
    const holders = pages.flatMap((p) =>
      generatedIn(p.before)
        .filter((n) => n === name)
        .map(() => p.file),
    );
    if (holders.length !== 1)
      throw new Error(
        `generated table "${name}" must be on exactly one page: ${holders.length ? holders.join(', ') : 'none has it'}`,
      );
  }
  return pages;
}

if (process.argv.includes('--write')) {
  const stale = renderDocs().filter((p) => p.before !== p.after);
  for (const { file, after } of stale) {
    writeFileSync(join(packageRoot, file), after);
    console.log(`${file}: generated tables rewritten`);
  }
  if (!stale.length) console.log('docs: generated tables already up to date');
}
