#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_PATH } from '../wsdl/contract.js';
import { CA_PATHS } from './ca/urls.js';
import { ConfigError, DEFAULT_ACCOUNTS_FILE, keysOf, type ConfigCommand, type MockConfig } from './config.js';
import { AccountsError, type Accounts } from './domain/accounts.js';
import { describeDelay, parseDelay } from './domain/lifecycle.js';
import { HEALTH_PATHS } from './http/health.js';
import { assembleMock, listen } from './mock-server.js';
import { describeStore } from './store/open-store.js';
import { StoreError } from './store/sqlite-store.js';
import { packageVersion } from './version.js';

/** `ccm-mock serve`: the sandbox. `npm start` runs it with the defaults. */

/** The option lines of a command's usage, from CONFIG_KEYS. */
function optionLines(command: ConfigCommand): string {
  return keysOf(command)
    .map((k) => {
      const arg = k.kind === 'bool' ? '' : ` <${k.kind === 'int' ? 'n' : 'value'}>`;
      const dflt = k.default !== undefined && k.default !== '' ? ` (default: ${k.default})` : '';
      const max = k.max !== undefined ? ` (at most ${k.max})` : '';
      return `  ${(k.flag + arg).padEnd(28)} ${k.description}${max}${dflt}\n  ${''.padEnd(28)} env ${k.env}`;
    })
    .join('\n');
}

const USAGE = `Usage: ccm-mock serve [options]
       ccm-mock proxy --upstream URL [options]    (ccm-mock proxy --help for its options)

Runs ccm-mock, a fake of Sectigo (Comodo) Certificate Manager's S/MIME SOAP service EPKIManager
that issues real certificates from a test CA. Every option can also be set by its environment variable.

Options:
${optionLines('serve')}
  --help                       show this help
  --version                    print the version
`;

const PROXY_USAGE = `Usage: ccm-mock proxy --upstream URL [options]

Forwards every call to the live EPKIManager service (URL) unchanged and returns its answers unchanged,
while checking both directions against ccm-mock's contract and wire profile, recording the exchanges
(redacted), writing a report of every difference and learning the wire profile the traffic supports
(docs/proxy.md). Every option can also be set by its environment variable.

Options:
${optionLines('proxy')}
  --help                       show this help
`;

export class UsageError extends Error {}

/** Flags to explicit config values. Booleans take no argument (--strict) or an explicit --strict=false. */
export function parseServeArgs(argv: string[]): Partial<MockConfig> {
  return parseArgsFor('serve', argv);
}

/** A command's flags to explicit config values. */
export function parseArgsFor(command: ConfigCommand, argv: string[]): Record<string, unknown> {
  const keys = keysOf(command);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const def = keys.find((k) => k.flag === flag);
    if (!def) throw new UsageError(`unknown option ${arg}`);
    if (def.kind === 'bool') out[def.key] = inline ?? true;
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      out[def.key] = value;
    }
  }
  return out;
}

/**
 * The banner's accounts line: with the package's own fixture, the credentials to start with (read from it:
 * the first customer, its first admin, the first organization that admin may act for); with another file,
 * only its path (its secrets are someone's own).
 */
export function accountsSummary(accountsFile: string, accounts: Accounts): string {
  const real = (file: string) => {
    try {
      return realpathSync(resolve(file));
    } catch {
      return resolve(file);
    }
  };
  const customer = accounts.listCustomers()[0];
  const admin = customer?.admins[0];
  const org = admin && customer.organizations.find((o) => accounts.mayActFor(admin, o.orgId));
  if (real(accountsFile) !== real(DEFAULT_ACCOUNTS_FILE) || !org) return accountsFile;
  const domain = org.emailDomains.find((d) => !d.startsWith('*'));
  return `customerLoginUri "${customer.customerLoginUri}", login "${admin.login}", password "${admin.password}", orgId ${org.orgId}, secretKey "${org.secretKey}"${domain ? `, emails @${domain}` : ''}`;
}

async function serve(argv: string[]): Promise<void> {
  const started = performance.now();
  const parts = await assembleMock(parseServeArgs(argv), 'serve');
  const http = createServer(parts.app.listener);
  const address = await listen(http, parts.config.port, parts.config.host);
  const shown =
    parts.config.publicBaseUrl ??
    `http://${parts.config.host === '0.0.0.0' ? 'localhost' : parts.config.host}:${address.port}`;
  const lines = [
    `ccm-mock: fake Sectigo CCM EPKIManager (S/MIME) - TEST CERTIFICATES ONLY`,
    `  endpoint  ${shown}${SERVICE_PATH}`,
    `  wsdl      ${shown}${SERVICE_PATH}?wsdl`,
    `  ca        ${shown}${CA_PATHS.chainPem} (${parts.ca.origin})`,
    `  status    ${shown}${CA_PATHS.intermediateCrl} (CRL), ${shown}${CA_PATHS.ocsp} (OCSP)`,
    `  seed      ${parts.seed}   (repeat a run with --seed ${parts.seed})`,
    `  clock     ${new Date(parts.clock.now()).toISOString()}${parts.clock.frozen ? ', frozen (it moves only by POST /admin/api/clock/advance)' : ''}`,
    `  admin     ${shown}/admin (page), ${shown}/admin/api (JSON)${parts.config.adminToken ? ', token required' : ''}`,
    `  delay     ${describeDelay(parseDelay(parts.config.delay))}, namespace ${parts.config.namespace}, certificate format ${parts.config.certificateFormat}${parts.config.strict ? ', strict' : ''}${parts.config.profileFile ? ` (learned profile ${parts.config.profileFile})` : ''}, ${parts.signWorkers ? `${parts.signWorkers} signing worker${parts.signWorkers > 1 ? 's' : ''}` : 'signing on the main thread'}`,
    `  storage   ${describeStore(parts.store)}`,
    `  accounts  ${accountsSummary(parts.config.accountsFile, parts.accounts)}`,
    `  health    ${shown}${HEALTH_PATHS.live} (live), ${shown}${HEALTH_PATHS.ready} (ready); logs: one JSON line per SOAP call`,
    `  ready in ${Math.round(performance.now() - started)} ms (${Math.round(performance.now())} ms since the process started)`,
  ];
  if (parts.config.logLevel !== 'silent') console.log(lines.join('\n'));
  parts.logger.info(
    {
      url: shown,
      port: address.port,
      seed: parts.seed,
      ca: parts.ca.origin,
      dataDir: parts.config.dataDir,
      readyMs: Math.round(performance.now()),
    },
    'ready',
  );

  stopOnSignals(http, parts.logger, parts.config.stopTimeoutMs, {
    stopping: () => (parts.readiness.stopping = true),
    dispose: () => parts.dispose(),
    // requests still running (a client holding a connection, a hang fault): cut off, the store closed all the same
    cutOff: () => parts.store.close(),
    what: 'closing the store',
  });
}

/**
 * On SIGTERM or SIGINT: stop accepting, let requests in flight finish, dispose and exit 0; after `timeoutMs`,
 * `cutOff` (what must happen even so) and exit 1.
 */
function stopOnSignals(
  http: Server,
  logger: Logger,
  timeoutMs: number,
  how: { stopping: () => void; dispose: () => Promise<void>; cutOff: () => void; what: string },
): void {
  const stop = (signal: string) => {
    how.stopping();
    logger.info({ signal }, 'stopping');
    http.close(() => {
      void how.dispose().then(() => {
        logger.info('stopped');
        process.exit(0);
      });
    });
    http.closeIdleConnections();
    setTimeout(() => {
      logger.error(
        { signal, stopTimeoutMs: timeoutMs },
        `requests still in flight after the stop timeout: ${how.what} and exiting with code 1`,
      );
      try {
        how.cutOff();
      } catch (err) {
        logger.error({ err }, `${how.what} failed`);
      }
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function proxy(argv: string[]): Promise<void> {
  // loaded only for this command: the proxy's analysis and its client-side parsers would cost `serve` ~10 MB
  // of RSS and ~0.2 s of start-up
  const [{ assembleProxy }, { jsonReportPath }] = await Promise.all([
    import('./proxy/proxy.js'),
    import('./proxy/report.js'),
  ]);
  const parts = assembleProxy(parseArgsFor('proxy', argv), 'serve');
  const http = createServer(parts.listener);
  const address = await listen(http, parts.config.port, parts.config.host);
  const c = parts.config;
  const shown = c.publicBaseUrl ?? `http://${c.host === '0.0.0.0' ? 'localhost' : c.host}:${address.port}`;
  const lines = [
    `ccm-mock proxy: forwarding to ${c.upstream} - every exchange checked against ccm-mock's contract`,
    `  endpoint  ${shown}${SERVICE_PATH}   (point your application here)`,
    `  wsdl      ${shown}${SERVICE_PATH}?wsdl   (the upstream's, soap:address pointing here)`,
    `  record    ${c.recordDir ? `${c.recordDir} (redacted; kept: ${c.recordKeep || 'nothing'})` : 'off (--record DIR)'}`,
    `  report    ${c.reportFile ? `${c.reportFile} and ${jsonReportPath(c.reportFile)}` : 'off (--report FILE)'}`,
    `  profile   ${c.profileOutFile ?? 'off (--profile-out FILE)'}`,
    `  compared  namespace ${c.namespace}, certificate format ${c.certificateFormat}${c.profileFile ? `, profile ${c.profileFile}` : ''}`,
    `  health    ${shown}${HEALTH_PATHS.live} (live), ${shown}${HEALTH_PATHS.ready} (upstream reachable); logs: one JSON line per exchange`,
  ];
  if (c.logLevel !== 'silent') console.log(lines.join('\n'));
  parts.logger.info({ url: shown, port: address.port, upstream: c.upstream }, 'ready');
  stopOnSignals(http, parts.logger, c.stopTimeoutMs, {
    stopping: () => (parts.stopping = true),
    dispose: () => parts.dispose(),
    cutOff: () => parts.observer.persist(true),
    what: 'writing the report and the profile',
  });
}

/** Runs the command line; resolves to the exit code, or -1 while the server keeps running. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(packageVersion);
    return 0;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'serve' && command !== 'proxy') {
    console.error(`ccm-mock: unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  const usage = command === 'proxy' ? PROXY_USAGE : USAGE;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(usage);
    return 0;
  }
  try {
    await (command === 'proxy' ? proxy(rest) : serve(rest));
    return -1; // keeps running
  } catch (err) {
    if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof AccountsError ||
      err instanceof StoreError
    ) {
      console.error(`ccm-mock: ${err.message}${err instanceof UsageError ? '\n\n' + usage : ''}`);
      return 2;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      console.error(`ccm-mock: cannot listen: ${(err as Error).message}`);
      return 1;
    }
    console.error('ccm-mock: failed to start:', (err as Error).message);
    return 1;
  }
}

/** True when this file is the program (node dist/server/cli.js, the npm bin link, tsx), not a module a test imports. */
function isEntryPoint(): boolean {
  try {
    return (
      process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err: unknown) => {
      console.error('ccm-mock: failed:', err);
      process.exit(1);
    },
  );
}
