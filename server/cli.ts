#!/usr/bin/env node
import 'reflect-metadata';
import { createServer } from 'node:http';
import { SERVICE_PATH } from '../wsdl/contract.js';
import { CA_PATHS } from './ca/urls.js';
import { CONFIG_KEYS, ConfigError, type MockConfig } from './config.js';
import { AccountsError } from './domain/accounts.js';
import { describeDelay, parseDelay } from './domain/lifecycle.js';
import { assembleMock, listen } from './mock-server.js';

/** `ccm-mock serve`: the sandbox. `npm start` runs it with the defaults. */

const USAGE = `Usage: ccm-mock serve [options]

Runs ccm-mock, a fake of Sectigo (Comodo) Certificate Manager's S/MIME SOAP service EPKIManager
that issues real certificates from a test CA. Every option can also be set by its environment variable.

Options:
${CONFIG_KEYS.map((k) => {
  const arg = k.kind === 'bool' ? '' : ` <${k.kind === 'int' ? 'n' : 'value'}>`;
  const dflt = k.default !== undefined ? ` (default: ${k.default})` : '';
  return `  ${(k.flag + arg).padEnd(28)} ${k.description}${dflt}\n  ${''.padEnd(28)} env ${k.env}`;
}).join('\n')}
  --help                       show this help
`;

export class UsageError extends Error {}

/** Flags to explicit config values. Booleans take no argument (--strict) or an explicit --strict=false. */
export function parseServeArgs(argv: string[]): Partial<MockConfig> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const def = CONFIG_KEYS.find((k) => k.flag === flag);
    if (!def) throw new UsageError(`unknown option ${arg}`);
    if (def.kind === 'bool') out[def.key] = inline ?? true;
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      out[def.key] = value;
    }
  }
  return out as Partial<MockConfig>;
}

async function serve(argv: string[]): Promise<void> {
  const started = performance.now();
  const parts = await assembleMock(parseServeArgs(argv), 'serve');
  const http = createServer(parts.app);
  const address = await listen(http, parts.config.port, parts.config.host);
  const shown = parts.config.publicBaseUrl ?? `http://${parts.config.host === '0.0.0.0' ? 'localhost' : parts.config.host}:${address.port}`;
  const defaultAccounts = parts.config.accountsFile.endsWith('fixtures/accounts.json');
  const lines = [
    `ccm-mock: fake Sectigo CCM EPKIManager (S/MIME) - TEST CERTIFICATES ONLY`,
    `  endpoint  ${shown}${SERVICE_PATH}`,
    `  wsdl      ${shown}${SERVICE_PATH}?wsdl`,
    `  ca        ${shown}${CA_PATHS.chainPem} (${parts.ca.origin})`,
    `  status    ${shown}${CA_PATHS.intermediateCrl} (CRL), ${shown}${CA_PATHS.ocsp} (OCSP)`,
    `  seed      ${parts.seed}   (repeat a run with --seed ${parts.seed})`,
    `  admin     ${shown}/admin (page), ${shown}/admin/api (JSON)${parts.config.adminToken ? ', token required' : ''}`,
    `  delay     ${describeDelay(parseDelay(parts.config.delay))}, namespace ${parts.config.namespace}, certificate format ${parts.config.certificateFormat}${parts.config.strict ? ', strict' : ''}`,
    `  storage   ${parts.config.dataDir ? parts.config.dataDir : 'memory (orders are lost on exit; set --data-dir to keep them)'}`,
    ...(defaultAccounts
      ? [`  accounts  customerLoginUri "sandbox", login "admin", password "sandbox", orgId 1001, secretKey "sandbox-secret", emails @example.com`]
      : [`  accounts  ${parts.config.accountsFile}`]),
    `  ready in ${Math.round(performance.now() - started)} ms`,
  ];
  if (parts.config.logLevel !== 'silent') console.log(lines.join('\n'));

  const stop = (signal: string) => {
    if (parts.config.logLevel !== 'silent') console.log(`ccm-mock: ${signal}, stopping`);
    http.close(() => {
      parts.store.close();
      process.exit(0);
    });
    http.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
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
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof AccountsError) {
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

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code);
});
