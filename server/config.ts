import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_NAMESPACE } from '../wsdl/contract.js';
import { DEFAULT_REVOKED_COLLECT_CODE, REVOKED_COLLECT_CODES } from '../wsdl/rest/status-codes.js';
import { fixturesDir } from '../wsdl/paths.js';
import { CERTIFICATE_FORMATS, type CertificateFormat } from './ca/bundle.js';
import { ROOT_TERM_YEARS } from './ca/test-ca.js';
import { trimBaseUrl } from './ca/urls.js';
import { parseDelay } from './domain/lifecycle.js';
import { readProfileFile, type ProfileSettingName, type ProfileSettings } from './profile-file.js';
import { KEEPABLE_LIST, parseKeepList } from './proxy/redaction.js';

/**
 * Every configuration key of ccm-mock, in one table: its environment variable, its `ccm-mock serve` flag,
 * its default and what it does. The CLI, the env reader and the table in docs/configuration.md all come
 * from CONFIG_KEYS (a test keeps the page equal to it).
 */

export interface MockConfig {
  port: number;
  host: string;
  publicBaseUrl?: string;
  dataDir?: string;
  accountsFile: string;
  seed?: string;
  clockStart?: string;
  clockFrozen: boolean;
  delay: string;
  namespace: string;
  certificateFormat: CertificateFormat;
  strict: boolean;
  acceptUriAlias: boolean;
  restRevokedCollectCode: string;
  validityDays: number;
  caKeyBits: number;
  caRootCertFile?: string;
  caRootKeyFile?: string;
  caCertFile?: string;
  caKeyFile?: string;
  adminToken?: string;
  adminTokenFile?: string;
  allowedHosts?: string;
  trustProxy: boolean;
  logLevel: string;
  maxBodyBytes: number;
  serviceInfo: string;
  faultHangLimitMs: number;
  journalSize: number;
  journalBytes: number;
  faultLimit: number;
  clockReset: boolean;
  signWorkers: string;
  stopTimeoutMs: number;
  /** a learned wire profile (ccm-mock proxy --profile-out) whose settings fill in what flags and env leave unset */
  profileFile?: string;
}

/** `ccm-mock proxy`: the keys it shares with serve, and its own (docs/proxy.md). */
export interface ProxyConfig extends Pick<
  MockConfig,
  | 'port'
  | 'host'
  | 'publicBaseUrl'
  | 'logLevel'
  | 'maxBodyBytes'
  | 'stopTimeoutMs'
  | 'namespace'
  | 'certificateFormat'
  | 'strict'
  | 'acceptUriAlias'
  | 'serviceInfo'
  | 'validityDays'
  | 'profileFile'
> {
  upstream: string;
  upstreamTimeoutMs: number;
  upstreamMaxBytes: number;
  upstreamCertFile?: string;
  upstreamKeyFile?: string;
  recordDir?: string;
  recordKeep: string;
  reportFile?: string;
  profileOutFile?: string;
}

/** The commands that take configuration keys. */
export type ConfigCommand = 'serve' | 'proxy';
const BOTH: readonly ConfigCommand[] = ['serve', 'proxy'];
const PROXY: readonly ConfigCommand[] = ['proxy'];

type Kind = 'string' | 'int' | 'bool';

export interface ConfigKey {
  key: keyof MockConfig | keyof ProxyConfig;
  /** the commands that take it (default: serve only) */
  commands?: readonly ConfigCommand[];
  env: string;
  flag: string;
  kind: Kind;
  /** default as `ccm-mock serve` / `npm start` use it; createMockServer() differs where noted in `testDefault` */
  default?: string | number | boolean;
  /** createMockServer()'s default where it differs (tests want instant, quiet, ephemeral) */
  testDefault?: string | number | boolean;
  description: string;
  choices?: readonly string[];
  /** the smallest value an int key takes (default 0) */
  min?: number;
  /** the largest value an int key takes */
  max?: number;
}

/**
 * The last year a clockStart may fall in: X.509 times end with 9999, and a CA generated at the mock's time
 * lasts the root's term after it.
 */
const LAST_CLOCK_START_YEAR = 9999 - ROOT_TERM_YEARS;

/** setTimeout's largest delay: a longer one fires after 1 ms */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The shortest admin token accepted: a guessable token guards nothing. */
export const MIN_ADMIN_TOKEN_CHARS = 16;

/** The package's own accounts fixture, the default of `accountsFile`. */
export const DEFAULT_ACCOUNTS_FILE = join(fixturesDir, 'accounts.json');

export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    key: 'port',
    commands: BOTH,
    env: 'PORT',
    flag: '--port',
    kind: 'int',
    default: 8080,
    testDefault: 0,
    max: 65535,
    description: 'TCP port to listen on (0 picks a free one)',
  },
  {
    key: 'host',
    commands: BOTH,
    env: 'CCM_MOCK_HOST',
    flag: '--host',
    kind: 'string',
    default: '0.0.0.0',
    testDefault: '127.0.0.1',
    description: 'interface to listen on',
  },
  {
    key: 'publicBaseUrl',
    commands: BOTH,
    env: 'CCM_MOCK_PUBLIC_URL',
    flag: '--public-url',
    kind: 'string',
    description:
      "base URL clients reach the mock at (behind a proxy); written into the WSDL's soap:address and certificates' CRL/OCSP URLs; its host may reach the admin surface. Default: the URL of each request (its Host header; X-Forwarded-Proto/Host only with trustProxy)",
  },
  {
    key: 'trustProxy',
    env: 'CCM_MOCK_TRUST_PROXY',
    flag: '--trust-proxy',
    kind: 'bool',
    default: false,
    description:
      'honour X-Forwarded-Proto and X-Forwarded-Host for the URLs written into the WSDL and certificates: only behind a reverse proxy that sets them (any client can send them). publicBaseUrl pins the URLs instead',
  },
  {
    key: 'allowedHosts',
    env: 'CCM_MOCK_ALLOWED_HOSTS',
    flag: '--allowed-hosts',
    kind: 'string',
    description:
      "comma-separated host names the admin API and page answer under, beside IP literals, localhost, *.localhost and publicBaseUrl's host (a DNS-rebinding guard; a leading dot allows subdomains: .ci.example). SOAP, WSDL, CA, CRL and OCSP answer under any Host",
  },
  {
    key: 'dataDir',
    env: 'CCM_MOCK_DATA_DIR',
    flag: '--data-dir',
    kind: 'string',
    description:
      'directory for durable state: the CA (ca/) and the orders, certificates and revocations (ccm-mock.db, SQLite). Default: none, everything in memory and a new CA each start',
  },
  {
    key: 'accountsFile',
    env: 'CCM_MOCK_ACCOUNTS',
    flag: '--accounts',
    kind: 'string',
    default: DEFAULT_ACCOUNTS_FILE,
    description: 'accounts fixture (customers, admins, organizations, templates)',
  },
  {
    key: 'seed',
    env: 'CCM_MOCK_SEED',
    flag: '--seed',
    kind: 'string',
    description:
      'seed for order numbers, serial numbers, delay draws and probabilistic fault draws. Default: a random one, printed at start',
  },
  {
    key: 'clockStart',
    env: 'CCM_MOCK_CLOCK_START',
    flag: '--clock-start',
    kind: 'string',
    description: `the mock's time at start: an ISO 8601 instant with its zone (2030-01-01T00:00:00Z) or a date (midnight UTC), in the years 1970 to ${LAST_CLOCK_START_YEAR} (a generated root lasts ${ROOT_TERM_YEARS} years from it, and certificate times end with 9999). With a data directory it applies only while the directory holds no clock yet (a kept clock resumes). Default: real time`,
  },
  {
    key: 'clockReset',
    env: 'CCM_MOCK_CLOCK_RESET',
    flag: '--clock-reset',
    kind: 'bool',
    default: false,
    description:
      'with a data directory, discard the kept clock and start it again from clockStart (or real time): the way back for a clock moved too far. Orders and certificates keep their times',
  },
  {
    key: 'clockFrozen',
    env: 'CCM_MOCK_CLOCK_FROZEN',
    flag: '--clock-frozen',
    kind: 'bool',
    default: false,
    description:
      "freeze the mock's clock: time moves only by POST /admin/api/clock/advance. With clockStart and seed, runs give the same certificate validity and times",
  },
  {
    key: 'delay',
    env: 'CCM_MOCK_DELAY',
    flag: '--delay',
    kind: 'string',
    default: '2s-5s',
    testDefault: '0',
    description: 'default processing delay before an order is issued: 0, 3s, 500ms, 2s-8s (random range) or 3polls',
  },
  {
    key: 'namespace',
    commands: BOTH,
    env: 'CCM_MOCK_NAMESPACE',
    flag: '--namespace',
    kind: 'string',
    default: DEFAULT_NAMESPACE,
    description: 'wire profile: targetNamespace of the operations and the served WSDL',
  },
  {
    key: 'certificateFormat',
    commands: BOTH,
    env: 'CCM_MOCK_CERT_FORMAT',
    flag: '--cert-format',
    kind: 'string',
    default: 'pkcs7',
    choices: CERTIFICATE_FORMATS,
    description:
      "wire profile: collect's certificate: pkcs7 (base64 DER PKCS#7: leaf, issuing CA, root), x509 (base64 DER leaf) or pem-chain (PEM, root first)",
  },
  {
    key: 'strict',
    commands: BOTH,
    env: 'CCM_MOCK_STRICT',
    flag: '--strict',
    kind: 'bool',
    default: false,
    description:
      'wire profile: validate requests against the full schema, child order included (the live service is lenient)',
  },
  {
    key: 'acceptUriAlias',
    commands: BOTH,
    env: 'CCM_MOCK_ACCEPT_URI_ALIAS',
    flag: '--accept-uri-alias',
    kind: 'bool',
    default: false,
    description: "wire profile: accept <URI> in authData as customerLoginUri (the guide's setURI)",
  },
  {
    key: 'restRevokedCollectCode',
    env: 'CCM_MOCK_REST_REVOKED_CODE',
    flag: '--rest-revoked-code',
    kind: 'string',
    default: String(DEFAULT_REVOKED_COLLECT_CODE),
    choices: REVOKED_COLLECT_CODES.map(String),
    description:
      'wire profile (REST): the code collect answers for a revoked certificate: -110, the vendor docs\' "Certificate has been revoked and cannot be downloaded.", or -192, what python-cert_manager\'s RevokedError expects (docs/rest.md: decisions)',
  },
  {
    key: 'validityDays',
    commands: BOTH,
    env: 'CCM_MOCK_VALIDITY_DAYS',
    flag: '--validity-days',
    kind: 'int',
    default: 365,
    min: 1,
    max: 825,
    description:
      "validity of issued certificates, in days; 825 is the S/MIME Baseline Requirements' maximum (SBR 6.3.2)",
  },
  {
    key: 'caKeyBits',
    env: 'CCM_MOCK_CA_KEY_BITS',
    flag: '--ca-key-bits',
    kind: 'int',
    default: 2048,
    description: 'RSA key size of a generated test CA',
  },
  {
    key: 'caRootCertFile',
    env: 'CCM_MOCK_CA_ROOT_CERT',
    flag: '--ca-root-cert',
    kind: 'string',
    description: 'PEM root certificate of a CA to use instead of a generated one',
  },
  {
    key: 'caRootKeyFile',
    env: 'CCM_MOCK_CA_ROOT_KEY',
    flag: '--ca-root-key',
    kind: 'string',
    description:
      "PEM key of that root (optional; needed to sign the root's CRL and the intermediate for other base URLs, see The test CA)",
  },
  {
    key: 'caCertFile',
    env: 'CCM_MOCK_CA_CERT',
    flag: '--ca-cert',
    kind: 'string',
    description: 'PEM issuing (intermediate) certificate of that CA',
  },
  {
    key: 'caKeyFile',
    env: 'CCM_MOCK_CA_KEY',
    flag: '--ca-key',
    kind: 'string',
    description: 'PEM private key of the issuing certificate',
  },
  {
    key: 'adminToken',
    env: 'CCM_MOCK_ADMIN_TOKEN',
    flag: '--admin-token',
    kind: 'string',
    description: `token the admin API (/admin/api) and page (/admin) require: Authorization: Bearer <token>, or HTTP Basic with the token as the password (any user name); at least ${MIN_ADMIN_TOKEN_CHARS} characters. A command-line value shows in ps: prefer the environment or adminTokenFile. Default: none (open)`,
  },
  {
    key: 'adminTokenFile',
    env: 'CCM_MOCK_ADMIN_TOKEN_FILE',
    flag: '--admin-token-file',
    kind: 'string',
    description: 'file holding the admin token (its first line; a Docker or Kubernetes secret), instead of adminToken',
  },
  {
    key: 'logLevel',
    commands: BOTH,
    env: 'CCM_MOCK_LOG_LEVEL',
    flag: '--log-level',
    kind: 'string',
    default: 'info',
    testDefault: 'silent',
    choices: ['trace', 'debug', 'info', 'warn', 'error', 'silent'],
    description: 'log level',
  },
  {
    key: 'maxBodyBytes',
    commands: BOTH,
    env: 'CCM_MOCK_MAX_BODY_BYTES',
    flag: '--max-body-bytes',
    kind: 'int',
    default: 1_048_576,
    description:
      'largest request body accepted; larger ones get HTTP 413 before being read whole (a SOAP fault on the SOAP endpoint, a JSON error under /api)',
  },
  {
    key: 'signWorkers',
    env: 'CCM_MOCK_SIGN_WORKERS',
    flag: '--sign-workers',
    kind: 'string',
    default: 'auto',
    testDefault: '0',
    description:
      "worker threads that sign certificates issued at enroll time, off the event loop: a number, 0 to sign on the main thread, or auto (one less than the machine's cores, at most 4)",
  },
  {
    key: 'serviceInfo',
    commands: BOTH,
    env: 'CCM_MOCK_SERVICE_INFO',
    flag: '--service-info',
    kind: 'string',
    default: 'ccm-mock EPKIManager (CCM S/MIME Enroll API 5.7) - TEST SERVICE, certificates are not trusted',
    description: 'the string getWebServiceInfo answers',
  },
  {
    key: 'faultHangLimitMs',
    env: 'CCM_MOCK_FAULT_HANG_LIMIT_MS',
    flag: '--fault-hang-limit-ms',
    kind: 'int',
    default: 30_000,
    max: MAX_TIMER_MS,
    description: 'longest an injected "hang" fault holds a connection, in milliseconds (also its default length)',
  },
  {
    key: 'journalSize',
    env: 'CCM_MOCK_JOURNAL_SIZE',
    flag: '--journal-size',
    kind: 'int',
    default: 1000,
    max: 100_000,
    description: 'how many calls (SOAP and REST) the admin journal keeps (the oldest go first; 0 keeps none)',
  },
  {
    key: 'journalBytes',
    env: 'CCM_MOCK_JOURNAL_BYTES',
    flag: '--journal-bytes',
    kind: 'int',
    default: 1_048_576,
    max: 64 * 1_048_576,
    description:
      'how many bytes of JSON the admin journal holds at most, whatever journalSize allows (the oldest calls go first)',
  },
  {
    key: 'faultLimit',
    env: 'CCM_MOCK_FAULT_LIMIT',
    flag: '--fault-limit',
    kind: 'int',
    default: 1000,
    max: 100_000,
    description: 'how many injected fault rules may be queued at once, all customers together; more answer HTTP 400',
  },
  {
    key: 'stopTimeoutMs',
    commands: BOTH,
    env: 'CCM_MOCK_STOP_TIMEOUT_MS',
    flag: '--stop-timeout-ms',
    kind: 'int',
    default: 5000,
    max: MAX_TIMER_MS,
    description:
      'on SIGTERM or SIGINT, how long requests in flight may take to finish, in milliseconds; after it the store is closed and ccm-mock serve exits with code 1',
  },
  {
    key: 'profileFile',
    env: 'CCM_MOCK_PROFILE',
    flag: '--profile',
    kind: 'string',
    commands: BOTH,
    description:
      'a wire profile learned by ccm-mock proxy --profile-out (JSON, see docs/proxy.md): its settings apply where no flag or environment variable sets them. For proxy: the profile the upstream is compared with',
  },
  {
    key: 'upstream',
    env: 'CCM_MOCK_UPSTREAM',
    flag: '--upstream',
    kind: 'string',
    commands: PROXY,
    description:
      'the EPKIManager endpoint the proxy forwards to, e.g. https://cert-manager.com/ws/EPKIManager (required)',
  },
  {
    key: 'upstreamTimeoutMs',
    env: 'CCM_MOCK_UPSTREAM_TIMEOUT_MS',
    flag: '--upstream-timeout-ms',
    kind: 'int',
    commands: PROXY,
    default: 60_000,
    max: MAX_TIMER_MS,
    description:
      'longest the proxy waits for the upstream to answer a request (connecting, TLS, headers and body), in milliseconds; after it the caller gets HTTP 504 with a SOAP fault',
  },
  {
    key: 'upstreamMaxBytes',
    env: 'CCM_MOCK_UPSTREAM_MAX_BYTES',
    flag: '--upstream-max-bytes',
    kind: 'int',
    commands: PROXY,
    default: 8_388_608,
    description:
      'largest upstream answer the proxy passes on (inflated size when the upstream compresses); a larger one is cut off and the caller gets HTTP 502 with a SOAP fault',
  },
  {
    key: 'upstreamCertFile',
    env: 'CCM_MOCK_UPSTREAM_CERT',
    flag: '--upstream-cert',
    kind: 'string',
    commands: PROXY,
    description:
      "PEM client certificate the proxy presents to an HTTPS upstream (the guide's client-certificate login); with upstreamKeyFile",
  },
  {
    key: 'upstreamKeyFile',
    env: 'CCM_MOCK_UPSTREAM_KEY',
    flag: '--upstream-key',
    kind: 'string',
    commands: PROXY,
    description: 'PEM private key of that client certificate',
  },
  {
    key: 'recordDir',
    env: 'CCM_MOCK_RECORD_DIR',
    flag: '--record',
    kind: 'string',
    commands: PROXY,
    description:
      'directory the proxy records every SOAP exchange into (request, response, timing, HTTP metadata), redacted. Default: none, nothing recorded',
  },
  {
    key: 'recordKeep',
    env: 'CCM_MOCK_RECORD_KEEP',
    flag: '--record-keep',
    kind: 'string',
    commands: PROXY,
    default: '',
    description: `what recordings, reports and logs keep instead of redacting, comma-separated: ${KEEPABLE_LIST}. password and secretKey are always redacted`,
  },
  {
    key: 'reportFile',
    env: 'CCM_MOCK_REPORT',
    flag: '--report',
    kind: 'string',
    commands: PROXY,
    description:
      "Markdown report of the proxy's findings, rewritten after exchanges and at exit (FILE.json beside it). Default: none",
  },
  {
    key: 'profileOutFile',
    env: 'CCM_MOCK_PROFILE_OUT',
    flag: '--profile-out',
    kind: 'string',
    commands: PROXY,
    description:
      'where the proxy writes the wire profile its observations support (JSON; ccm-mock serve --profile loads it). Default: none',
  },
];

export class ConfigError extends Error {}

function convert(def: ConfigKey, raw: unknown, source: string): unknown {
  if (def.kind === 'int') {
    const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isInteger(n) || n < 0)
      throw new ConfigError(`${source}: ${def.key} must be a whole number >= 0, got ${JSON.stringify(raw)}`);
    if (def.min !== undefined && n < def.min)
      throw new ConfigError(`${source}: ${def.key} must be at least ${def.min}, got ${n}`);
    if (def.max !== undefined && n > def.max)
      throw new ConfigError(`${source}: ${def.key} must be at most ${def.max}, got ${n}`);
    return n;
  }
  if (def.kind === 'bool') {
    if (typeof raw === 'boolean') return raw;
    const s = String(raw).trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(s)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
    throw new ConfigError(`${source}: ${def.key} must be true or false, got ${JSON.stringify(raw)}`);
  }
  const s = String(raw);
  if (def.choices && !def.choices.includes(s))
    throw new ConfigError(`${source}: ${def.key} must be one of ${def.choices.join(', ')}, got ${JSON.stringify(raw)}`);
  return s;
}

/** The keys a command takes. */
export function keysOf(command: ConfigCommand): ConfigKey[] {
  return CONFIG_KEYS.filter((k) => (k.commands ?? ['serve']).includes(command));
}

/** The profile's value of a key, converted and checked as the key's own values are. */
function fromProfile(def: ConfigKey, settings: ProfileSettings | undefined, file: string): unknown {
  const value = settings?.[def.key as ProfileSettingName];
  return value === undefined ? undefined : convert(def, value, `profile ${file}`);
}

/**
 * One command's keys resolved: explicit values first, then the environment, then a learned profile
 * (profileFile), then defaults (`mode: 'test'` takes createMockServer()'s defaults). Returns the values and
 * where each came from, for error messages.
 */
function resolveKeys(
  command: ConfigCommand,
  explicit: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  mode: 'serve' | 'test',
): { out: Record<string, unknown>; fail: (key: string, message: string) => never } {
  const out: Record<string, unknown> = {};
  /** where each value came from, for error messages */
  const sources: Record<string, string> = {};
  const keys = keysOf(command);
  const pick = (def: ConfigKey) => {
    const given = explicit[def.key];
    const fromEnv = env[def.env];
    if (given !== undefined) out[def.key] = convert(def, given, (sources[def.key] = 'option'));
    else if (fromEnv !== undefined && fromEnv !== '')
      out[def.key] = convert(def, fromEnv, (sources[def.key] = `environment ${def.env}`));
    else return false;
    return true;
  };
  const profileKey = keys.find((k) => k.key === 'profileFile');
  let settings: ProfileSettings | undefined;
  if (profileKey && pick(profileKey)) {
    try {
      settings = readProfileFile(out.profileFile as string).settings;
    } catch (err) {
      throw new ConfigError(`${sources.profileFile}: ${(err as Error).message}`);
    }
  }
  for (const def of keys) {
    if (def === profileKey || pick(def)) continue;
    const learned = fromProfile(def, settings, out.profileFile as string);
    const fallback = mode === 'test' && def.testDefault !== undefined ? def.testDefault : def.default;
    if (learned !== undefined) {
      out[def.key] = learned;
      sources[def.key] = `profile ${String(out.profileFile)}`;
    } else if (fallback !== undefined) out[def.key] = fallback;
  }
  const fail = (key: string, message: string): never => {
    throw new ConfigError(`${sources[key] ?? 'default'}: ${message}`);
  };
  // trimmed once here: every URL written joins a path to it
  if (out.publicBaseUrl !== undefined) {
    if (!/^https?:\/\/[^\s/]+/.test(out.publicBaseUrl as string))
      fail('publicBaseUrl', `publicBaseUrl must be an http(s) URL, got ${JSON.stringify(out.publicBaseUrl)}`);
    out.publicBaseUrl = trimBaseUrl(out.publicBaseUrl as string);
  }
  return { out, fail };
}

/**
 * The effective configuration of `ccm-mock serve` (and createMockServer()): explicit values first, then the
 * environment, then a learned profile, then defaults (`mode: 'test'` takes createMockServer()'s defaults:
 * instant, quiet, random port on loopback).
 */
export function resolveConfig(
  explicit: Partial<MockConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
  mode: 'serve' | 'test' = 'serve',
): MockConfig {
  const { out, fail } = resolveKeys('serve', explicit, env, mode);
  const config = out as unknown as MockConfig;
  try {
    parseDelay(config.delay);
  } catch (err) {
    fail('delay', (err as Error).message);
  }
  try {
    if (config.clockStart !== undefined) clockStartMs(config.clockStart);
  } catch (err) {
    fail('clockStart', (err as Error).message);
  }
  if (config.adminTokenFile !== undefined) {
    if (config.adminToken !== undefined)
      fail('adminTokenFile', 'give the admin token once: adminToken or adminTokenFile, not both');
    config.adminToken = readAdminTokenFile(config.adminTokenFile, (message) => fail('adminTokenFile', message));
  }
  if (config.adminToken !== undefined && config.adminToken.length < MIN_ADMIN_TOKEN_CHARS)
    fail(
      config.adminTokenFile !== undefined ? 'adminTokenFile' : 'adminToken',
      `the admin token must be at least ${MIN_ADMIN_TOKEN_CHARS} characters, got ${config.adminToken.length} (make one with: openssl rand -hex 16)`,
    );
  const badHost = allowedHostList(config.allowedHosts).find((h) => !ALLOWED_HOST.test(h));
  if (badHost !== undefined)
    fail(
      'allowedHosts',
      `allowedHosts is a comma-separated list of host names (a leading dot allows subdomains), got ${JSON.stringify(badHost)}`,
    );
  if (!/^(auto|\d{1,2})$/.test(config.signWorkers))
    fail('signWorkers', `signWorkers must be auto or a number of threads, got ${JSON.stringify(config.signWorkers)}`);
  return config;
}

/** The effective configuration of `ccm-mock proxy`, resolved as resolveConfig does. */
export function resolveProxyConfig(
  explicit: Partial<ProxyConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
  mode: 'serve' | 'test' = 'serve',
): ProxyConfig {
  const { out, fail } = resolveKeys('proxy', explicit, env, mode);
  const config = out as unknown as ProxyConfig;
  if (config.upstream === undefined)
    fail(
      'upstream',
      'upstream is required: the EPKIManager endpoint to forward to (--upstream URL or CCM_MOCK_UPSTREAM)',
    );
  let url: URL | undefined;
  try {
    url = new URL(config.upstream);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
    fail('upstream', `upstream must be an http(s) URL without credentials, got ${JSON.stringify(config.upstream)}`);
  if (config.upstreamTimeoutMs === 0) fail('upstreamTimeoutMs', 'upstreamTimeoutMs must be at least 1');
  if ((config.upstreamCertFile === undefined) !== (config.upstreamKeyFile === undefined))
    fail(
      config.upstreamCertFile === undefined ? 'upstreamKeyFile' : 'upstreamCertFile',
      'upstreamCertFile and upstreamKeyFile go together: give both or neither',
    );
  try {
    config.recordKeep = parseKeepList(config.recordKeep).join(',');
  } catch (err) {
    fail('recordKeep', (err as Error).message);
  }
  return config;
}

/** A host name of allowedHosts: letters, digits, dots and dashes, optionally with a leading dot (subdomains). */
const ALLOWED_HOST = /^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/** allowedHosts as a list, lowercase, without empty entries. */
export function allowedHostList(allowedHosts: string | undefined): string[] {
  return (allowedHosts ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/** The admin token in a file: its first line, without surrounding white space (a trailing newline is usual). */
function readAdminTokenFile(file: string, fail: (message: string) => never): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`cannot read the admin token file ${file}: ${(err as Error).message}`);
  }
  const token = text.split(/\r?\n/)[0].trim();
  return token || fail(`the admin token file ${file} is empty`);
}

/**
 * A clockStart value in epoch milliseconds: a date (midnight UTC) or an instant with its zone (never local
 * time, which would differ between machines). A ConfigError for anything else, or a time outside the years
 * 1970 to LAST_CLOCK_START_YEAR.
 */
export function clockStartMs(text: string): number {
  const t = text.trim();
  const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(t) ? Date.parse(t) : NaN;
  // Date.parse rolls 2030-02-31 over to March 3: a day the month does not have is a mistake
  const [y, m, d] = t.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (
    !(ms > 0) ||
    new Date(ms).getUTCFullYear() > LAST_CLOCK_START_YEAR ||
    day.getUTCMonth() !== m - 1 ||
    day.getUTCDate() !== d
  ) {
    throw new ConfigError(
      `clockStart must be an ISO 8601 date or an instant with its zone, in the years 1970 to ${LAST_CLOCK_START_YEAR}: 2030-01-01 or 2030-01-01T00:00:00Z; got ${JSON.stringify(text)}`,
    );
  }
  return ms;
}

/** The number of signing worker threads a configuration asks for. */
export function signWorkerCount(config: Pick<MockConfig, 'signWorkers'>): number {
  return config.signWorkers === 'auto'
    ? Math.min(4, Math.max(0, availableParallelism() - 1))
    : Number(config.signWorkers);
}
