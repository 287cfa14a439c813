import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * Options of the `ccm` commands: flags, the environment variables behind them, and their help text.
 * Flags win over the environment.
 */

export class UsageError extends Error {}

export interface OptionSpec {
  flag: string;
  short?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  env?: string;
  arg?: string;
  help: string;
}

export const CONNECTION: OptionSpec[] = [
  {
    flag: 'api',
    type: 'string',
    env: 'CCM_API',
    arg: 'soap|rest',
    help: 'the API to call: soap (EPKIManager; the default) or rest (the REST API under /api)',
  },
  {
    flag: 'url',
    type: 'string',
    env: 'CCM_URL',
    arg: 'URL',
    help: "the endpoint, e.g. https://cert-manager.com/ws/EPKIManager; a bare base URL gets /ws/EPKIManager (SOAP) or /api (REST), and REST calls an EPKIManager URL's /api",
  },
  { flag: 'endpoint', type: 'string', arg: 'URL', help: 'same as --url' },
  {
    flag: 'namespace',
    type: 'string',
    env: 'CCM_NAMESPACE',
    arg: 'URI',
    help: "SOAP: targetNamespace of the operations (default http://ws.epki.comodo.com/; take it from the endpoint's ?wsdl)",
  },
  {
    flag: 'request-timeout',
    type: 'string',
    arg: 'DURATION',
    help: 'give up on one request after this long (default 60s)',
  },
];

export const CREDENTIALS: OptionSpec[] = [
  {
    flag: 'login',
    type: 'string',
    env: 'CCM_LOGIN',
    arg: 'LOGIN',
    help: "login of an admin with the 'Client Cert' role",
  },
  {
    flag: 'password',
    type: 'string',
    env: 'CCM_PASSWORD',
    arg: 'PASSWORD',
    help: "that admin's password (prefer the environment variable)",
  },
  {
    flag: 'customer-uri',
    type: 'string',
    env: 'CCM_CUSTOMER_URI',
    arg: 'URI',
    help: "the customer's login URI (SOAP authData customerLoginUri, REST header customerUri)",
  },
];

export const ORGANIZATION: OptionSpec[] = [
  {
    flag: 'org-id',
    type: 'string',
    env: 'CCM_ORG_ID',
    arg: 'ID',
    help: "organization id (Admin UI > Organization > 'Client Cert' tab)",
  },
  {
    flag: 'secret-key',
    type: 'string',
    env: 'CCM_SECRET_KEY',
    arg: 'KEY',
    help: "SOAP: the organization's secret key for client certificates",
  },
  {
    flag: 'email-domain',
    type: 'string',
    env: 'CCM_EMAIL_DOMAIN',
    arg: 'DOMAIN',
    help: "the organization's e-mail domain: test certificates are enrolled for addresses under it",
  },
];

/** REST enrollment: the certificate profile and term (`ccm types` lists them). */
export const PROFILE: OptionSpec[] = [
  {
    flag: 'cert-type',
    type: 'string',
    env: 'CCM_CERT_TYPE',
    arg: 'ID|NAME',
    help: "REST: the certificate profile, by id or name (ccm types; default: the organization's first)",
  },
  {
    flag: 'term',
    type: 'string',
    env: 'CCM_TERM',
    arg: 'DAYS',
    help: "REST: the validity in days, one of the profile's terms (default: its first)",
  },
];

export const OUTPUT: OptionSpec[] = [
  { flag: 'json', type: 'boolean', help: 'machine-readable output on stdout (errors too)' },
  { flag: 'quiet', short: 'q', type: 'boolean', help: 'no progress output on stderr' },
  { flag: 'help', short: 'h', type: 'boolean', help: 'show this help' },
];

export const WAIT: OptionSpec[] = [
  { flag: 'wait', short: 'w', type: 'boolean', help: 'poll until the certificate is issued, then collect it' },
  {
    flag: 'timeout',
    type: 'string',
    arg: 'DURATION',
    help: 'with --wait: give up after this long (default 10m; 0 polls once)',
  },
  {
    flag: 'poll-interval',
    type: 'string',
    arg: 'DURATION',
    help: 'with --wait: first pause between polls, growing 1.5x up to 30s (default 2s)',
  },
  {
    flag: 'out',
    short: 'o',
    type: 'string',
    arg: 'FILE',
    help: 'write the certificate and its chain (PEM, leaf first) here instead of stdout',
  },
];

export type Values = Record<string, string | boolean | string[] | undefined>;

export function parse(
  argv: string[],
  specs: OptionSpec[],
  env: Record<string, string | undefined>,
): { values: Values; positionals: string[] } {
  const options: ParseArgsConfig['options'] = {};
  for (const s of specs)
    options[s.flag] = {
      type: s.type,
      ...(s.short ? { short: s.short } : {}),
      ...(s.multiple ? { multiple: true } : {}),
    };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const values = { ...parsed.values } as Values;
  // --endpoint is --url: settle the alias before the environment fills gaps, so a flag always wins
  if (values.endpoint !== undefined && values.url === undefined) values.url = values.endpoint;
  for (const s of specs)
    if (values[s.flag] === undefined && s.env && env[s.env] !== undefined && env[s.env] !== '')
      values[s.flag] = env[s.env];
  return { values, positionals: parsed.positionals };
}

/** "90" (seconds), "500ms", "30s", "5m", "1h" -> ms */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--${flag}: "${text}" is not a duration (e.g. 90, 30s, 5m, 500ms)`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!);
}

export function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0 || Number(text) > 2_147_483_647)
    throw new UsageError(`${what} must be a positive integer, not "${text}"`);
  return Number(text);
}

export function str(values: Values, flag: string): string | undefined {
  const v = values[flag];
  return typeof v === 'string' ? v : undefined;
}

export function list(values: Values, flag: string): string[] {
  const v = values[flag];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return items
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export function helpFor(specs: OptionSpec[]): string {
  return specs
    .map((s) => {
      const left = `${s.short ? `-${s.short}, ` : '    '}--${s.flag}${s.arg ? ` ${s.arg}` : ''}`;
      return `  ${left.padEnd(32)} ${s.help}${s.env ? ` [${s.env}]` : ''}`;
    })
    .join('\n');
}
