#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_PATH } from '../wsdl/contract.js';
import { CA_PATHS } from './ca/urls.js';
import { CONFIG_KEYS, ConfigError, DEFAULT_ACCOUNTS_FILE, type MockConfig } from './config.js';
import { AccountsError, type Accounts } from './domain/accounts.js';
import { describeDelay, parseDelay } from './domain/lifecycle.js';
import { HEALTH_PATHS } from './http/health.js';
import { assembleMock, listen } from './mock-server.js';
import { describeStore } from './store/open-store.js';
import { StoreError } from './store/sqlite-store.js';
import { packageVersion } from './version.js';

/** `ccm-mock serve`: the sandbox. `npm start` runs it with the defaults. */

const USAGE = `Usage: ccm-mock serve [options]

Runs ccm-mock, a fake of Sectigo (Comodo) Certificate Manager's S/MIME SOAP service EPKIManager
that issues real certificates from a test CA. Every option can also be set by its environment variable.

Options:
${CONFIG_KEYS.map((k) => {
  const arg = k.kind === 'bool' ? '' : ` <${k.kind === 'int' ? 'n' : 'value'}>`;
  const dflt = k.default !== undefined ? ` (default: ${k.default})` : '';
  const max = k.max !== undefined ? ` (at most ${k.max})` : '';
  return `  ${(k.flag + arg).padEnd(28)} ${k.description}${max}${dflt}\n  ${''.padEnd(28)} env ${k.env}`;
}).join('\n')}
  --help                       show this help
  --version                    print the version
`;

export class UsageError extends Error {}

/** Flags to explicit config values. Booleans take no argument (--strict) or an explicit --strict=false. */
export function parseServeArgs(argv: string[]): Partial<MockConfig> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const def = CONFIG_KEYS.find((k) => k.flag === flag);
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
    `  delay     ${describeDelay(parseDelay(parts.config.delay))}, namespace ${parts.config.namespace}, certificate format ${parts.config.certificateFormat}${parts.config.strict ? ', strict' : ''}, ${parts.signWorkers ? `${parts.signWorkers} signing worker${parts.signWorkers > 1 ? 's' : ''}` : 'signing on the main thread'}`,
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

  const stop = (signal: string) => {
    parts.readiness.stopping = true;
    parts.logger.info({ signal }, 'stopping');
    http.close(() => {
      void parts.dispose().then(() => {
        parts.logger.info('stopped');
        process.exit(0);
      });
    });
    http.closeIdleConnections();
    // requests still running (a client holding a connection, a hang fault): cut off, the store closed all the same
    setTimeout(() => {
      parts.logger.error(
        { signal, stopTimeoutMs: parts.config.stopTimeoutMs },
        'requests still in flight after the stop timeout: closing the store and exiting with code 1',
      );
      try {
        parts.store.close();
      } catch (err) {
        parts.logger.error({ err }, 'closing the store failed');
      }
      process.exit(1);
    }, parts.config.stopTimeoutMs).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** Runs the command line; resolves to the exit code, or -1 while the server keeps running. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(packageVersion);
    return 0;
  }
  if (
    command === undefined ||
    command === '--help' ||
    command === '-h' ||
    command === 'help' ||
    rest.includes('--help') ||
    rest.includes('-h')
  ) {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'serve') {
    console.error(`ccm-mock: unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  try {
    await serve(rest);
    return -1; // keeps running
  } catch (err) {
    if (
      err instanceof UsageError ||
      err instanceof ConfigError ||
      err instanceof AccountsError ||
      err instanceof StoreError
    ) {
      console.error(`ccm-mock: ${err.message}${err instanceof UsageError ? '\n\n' + USAGE : ''}`);
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
