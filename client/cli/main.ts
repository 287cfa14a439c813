import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../wsdl/paths.js';
import {
  CcmAbortError,
  CcmError,
  CcmFaultError,
  CcmRestStatusError,
  CcmStatusError,
  CcmTransportError,
  CcmWaitTimeoutError,
} from '../errors.js';
import { ConformanceConfigError } from '../conformance/runner.js';
import { COMMANDS, EXIT, EXIT_MEANINGS, type Command } from './commands.js';
import { apiOf } from './context.js';
import { restHint } from './rest-commands.js';
import { helpFor, parse, UsageError } from './options.js';
import { Output, type CliIo } from './output.js';

/** `ccm`: the CCM clients (SOAP and REST) on the command line. runCli() is the whole program, minus process wiring (bin.ts). */

export { EXIT } from './commands.js';
export type { CliIo } from './output.js';

const EXIT_HELP = [
  'Exit codes:',
  ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `  ${code.padEnd(4)} ${meaning}`),
].join('\n');

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function mainHelp(): string {
  return `Usage: ccm [--api soap|rest] COMMAND [options]

A client for Sectigo (Comodo) Certificate Manager's S/MIME enrollment - the SOAP service EPKIManager, or with
--api rest (CCM_API=rest) the REST API - the live service or ccm-mock.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(13)} ${c.summary}`).join('\n')}
  help [COMMAND]

Connection and credentials come from flags or the environment: CCM_API, CCM_URL, CCM_NAMESPACE, CCM_LOGIN,
CCM_PASSWORD, CCM_CUSTOMER_URI, CCM_ORG_ID, CCM_SECRET_KEY, CCM_EMAIL_DOMAIN (REST: CCM_CERT_TYPE, CCM_TERM; and
CCM_ORG_NAME for conformance).
Human-readable output by default; --json for scripts. \`ccm COMMAND --help\` shows a command's options.

${EXIT_HELP}
`;
}

export function commandHelp(c: Command): string {
  return [
    `Usage: ${c.usage}`,
    '',
    c.summary.charAt(0).toUpperCase() + c.summary.slice(1) + '.',
    ...(c.description ? ['', c.description] : []),
    '',
    'Options:',
    helpFor(c.options),
    ...(c.examples?.length ? ['', 'Examples:', ...c.examples.map((e) => `  ${e}`)] : []),
    '',
    EXIT_HELP,
    '',
  ].join('\n');
}

const HINTS: Partial<Record<number, string>> = {
  [-100]: 'check --login, --password and --customer-uri (CCM_LOGIN, CCM_PASSWORD, CCM_CUSTOMER_URI)',
  [-101]: 'check --org-id and --secret-key (CCM_ORG_ID, CCM_SECRET_KEY), and that the organization is active',
  [-111]: "the e-mail's domain is not one of the organization's (CCM_EMAIL_DOMAIN)",
  [-16]: 'the admin may not act for the organization of this order',
  [-120]: "the customer's configuration does not allow this operation through the API",
};

const CAUTION = `\n  the request may have been processed: check (ccm status / ccm collect) before repeating it`;

function describeError(err: CcmError): { code: number; message: string; json: Record<string, unknown> } {
  const base = {
    operation: err.operation,
    ...(err.orderNumber ? { orderNumber: err.orderNumber } : {}),
    ...(err.backendCertId ? { backendCertId: err.backendCertId } : {}),
  };
  const order = err.orderNumber ?? err.backendCertId;
  if (err instanceof CcmRestStatusError) {
    const hint = restHint(err);
    return {
      code: EXIT.CCM_STATUS,
      message: `${err.message}${order ? ` (order ${order})` : ''}${hint ? `\n  hint: ${hint}` : ''}`,
      json: {
        type: 'status',
        api: 'rest',
        code: err.code,
        httpStatus: err.httpStatus,
        status: err.status,
        description: err.description,
        meaning: err.meaning,
        source: err.source,
        ...base,
      },
    };
  }
  if (err instanceof CcmStatusError) {
    const hint = HINTS[err.code];
    return {
      code: EXIT.CCM_STATUS,
      message: `${err.message}${err.orderNumber ? ` (order ${err.orderNumber})` : ''}${hint ? `\n  hint: ${hint}` : ''}`,
      json: { type: 'status', code: err.code, status: err.status, meaning: err.meaning, source: err.source, ...base },
    };
  }
  if (err instanceof CcmFaultError)
    return {
      code: EXIT.SOAP_FAULT,
      message: err.message,
      json: {
        type: 'fault',
        faultCode: err.faultCode,
        faultString: err.faultString,
        httpStatus: err.httpStatus,
        ...base,
      },
    };
  if (err instanceof CcmWaitTimeoutError)
    return {
      code: EXIT.NOT_READY,
      message: err.message,
      json: {
        type: 'wait-timeout',
        polls: err.polls,
        waitedMs: Math.round(err.waitedMs),
        lastCode: err.lastCode,
        ...base,
      },
    };
  const caution =
    (err instanceof CcmAbortError || err instanceof CcmTransportError) && err.details.mayHaveReachedService
      ? CAUTION
      : '';
  if (err instanceof CcmAbortError) {
    return {
      code: EXIT.INTERRUPTED,
      message: `${err.message}${order ? `; resume with: ccm collect ${order}${err.backendCertId ? ' --api rest' : ''} --wait` : ''}${caution}`,
      json: { type: 'aborted', mayHaveReachedService: !!err.details.mayHaveReachedService, ...base },
    };
  }
  if (err instanceof CcmTransportError) {
    return {
      code: EXIT.TRANSPORT,
      message: err.message + caution,
      json: {
        type: 'transport',
        kind: err.kind,
        httpStatus: err.details.httpStatus,
        mayHaveReachedService: !!err.details.mayHaveReachedService,
        message: err.message,
        ...base,
      },
    };
  }
  return { code: EXIT.INTERNAL, message: err.message, json: { type: 'internal', message: err.message } };
}

/** `ccm --api rest COMMAND ...` reads as `ccm COMMAND --api rest ...`: the option that picks the API may come first. */
function apiOptionFirst(argv: string[]): string[] {
  if (argv[0] === '--api' && argv.length >= 3) return [argv[2], '--api', argv[1], ...argv.slice(3)];
  if (argv[0]?.startsWith('--api=') && argv.length >= 2) return [argv[1], argv[0], ...argv.slice(2)];
  return argv;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = apiOptionFirst(argv);
  const json = rest.includes('--json');
  const early = new Output(io, false, false);
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout.write(mainHelp());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`ccm ${version()}\n`);
    return EXIT.OK;
  }
  if (name === 'help') {
    const c = COMMANDS.find((x) => x.name === rest[0]);
    if (rest[0] !== undefined && !c) {
      early.error(`unknown command ${rest[0]}`);
      return EXIT.USAGE;
    }
    io.stdout.write(c ? commandHelp(c) : mainHelp());
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    early.error(`unknown command ${name}; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (ccm --help)`);
    return EXIT.USAGE;
  }
  let out = new Output(io, json, false);
  try {
    const { values, positionals } = parse(rest, command.options, io.env);
    if (values.help === true) {
      io.stdout.write(commandHelp(command));
      return EXIT.OK;
    }
    out = new Output(io, values.json === true, values.quiet === true);
    const ctx = { values, positionals, io, out };
    apiOf(ctx, command); // --api is soap or rest, and one the command has
    return await command.run(ctx);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConformanceConfigError) {
      out.data({ error: { type: 'usage', message: err.message } });
      out.error(`${err.message}\n  usage: ${command.usage}\n  see: ccm ${command.name} --help`);
      return EXIT.USAGE;
    }
    if (err instanceof CcmError) {
      const d = describeError(err);
      out.data({ error: d.json });
      out.error(d.message);
      return d.code;
    }
    out.data({ error: { type: 'internal', message: String((err as Error)?.message ?? err) } });
    out.error(`internal error: ${(err as Error)?.stack ?? String(err)}`);
    return EXIT.INTERNAL;
  }
}
