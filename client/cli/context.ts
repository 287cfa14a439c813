import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CollectedCertificate } from '../certificate.js';
import { CcmClient, type PollEvent } from '../client.js';
import { CcmRestClient, type RestPollEvent } from '../rest-client.js';
import { parseDuration, positiveInt, str, UsageError, type OptionSpec, type Values } from './options.js';
import type { CliIo, Output } from './output.js';

/** What every `ccm` command works with: its parsed options, the two clients built from them, local files, output. */

export const EXIT = {
  OK: 0,
  /** conformance: at least one check failed, or (--recording) a replayed answer differed */
  CHECKS_FAILED: 1,
  /** bad command line, or a local file that cannot be read or written */
  USAGE: 2,
  /** CCM answered a negative status code (SOAP) or an error body (REST) */
  CCM_STATUS: 3,
  /** CCM answered a SOAP fault */
  SOAP_FAULT: 4,
  /** no usable answer: connection, timeout, HTTP error, unreadable response */
  TRANSPORT: 5,
  /** the certificate is not issued yet (collect without --wait, or --wait timed out) */
  NOT_READY: 6,
  /** interrupted (Ctrl-C) */
  INTERRUPTED: 130,
  /** a bug in ccm */
  INTERNAL: 70,
} as const;

export interface CommandContext {
  values: Values;
  positionals: string[];
  io: CliIo;
  out: Output;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  options: OptionSpec[];
  examples?: string[];
  /** the API it uses when --api / CCM_API does not say (default soap); `only`: the one API it has */
  api?: { default: Api; only?: boolean };
  run(ctx: CommandContext): Promise<number>;
}

export type Api = 'soap' | 'rest';

export const NO_MORE_POSITIONALS = (ctx: CommandContext, max: number) => {
  if (ctx.positionals.length > max) throw new UsageError(`unexpected argument ${ctx.positionals[max]}`);
};

/** --api / CCM_API, or the command's own default. */
export function apiOf(ctx: CommandContext, command?: Pick<Command, 'name' | 'api'>): Api {
  const given = str(ctx.values, 'api');
  if (given !== undefined && given !== 'soap' && given !== 'rest')
    throw new UsageError(`--api must be soap or rest, not "${given}"`);
  const api = given ?? command?.api?.default ?? 'soap';
  if (command?.api?.only && api !== command.api.default)
    throw new UsageError(`ccm ${command.name} is ${command.api.default.toUpperCase()} only (--api ${given})`);
  return api;
}

function credentials(ctx: CommandContext, needsAuth: boolean) {
  const auth = {
    login: str(ctx.values, 'login'),
    password: str(ctx.values, 'password'),
    customerUri: str(ctx.values, 'customer-uri'),
  };
  if (needsAuth) {
    const missing = [
      !auth.login && '--login / CCM_LOGIN',
      !auth.password && '--password / CCM_PASSWORD',
      !auth.customerUri && '--customer-uri / CCM_CUSTOMER_URI',
    ].filter(Boolean);
    if (missing.length) throw new UsageError(`missing credentials: ${missing.join(', ')}`);
  }
  return auth;
}

function connection(ctx: CommandContext) {
  const url = str(ctx.values, 'url');
  if (!url) throw new UsageError('no endpoint: give --url URL or set CCM_URL');
  const timeout = str(ctx.values, 'request-timeout');
  const orgId = str(ctx.values, 'org-id');
  return {
    url,
    requestTimeoutMs: timeout ? parseDuration(timeout, 'request-timeout') : undefined,
    orgId: orgId !== undefined ? positiveInt(orgId, '--org-id') : undefined,
  };
}

/** A bad URL is the user's: a usage error naming the flag. */
function built<T>(make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(`--url: ${err.message}`);
    throw err;
  }
}

export function clientFrom(ctx: CommandContext, needsAuth = true): CcmClient {
  const { url, requestTimeoutMs, orgId } = connection(ctx);
  const { customerUri, ...auth } = credentials(ctx, needsAuth);
  return built(
    () =>
      new CcmClient({
        endpoint: url,
        namespace: str(ctx.values, 'namespace'),
        auth: { ...auth, customerLoginUri: customerUri },
        orgId,
        secretKey: str(ctx.values, 'secret-key'),
        requestTimeoutMs,
        fetch: ctx.io.fetch,
      }),
  );
}

export function restClientFrom(ctx: CommandContext): CcmRestClient {
  const { url, requestTimeoutMs, orgId } = connection(ctx);
  const auth = credentials(ctx, true) as { login: string; password: string; customerUri: string };
  return built(() => new CcmRestClient({ baseUrl: url, auth, orgId, requestTimeoutMs, fetch: ctx.io.fetch }));
}

export const localPath = (ctx: CommandContext, file: string) => resolve(ctx.io.cwd ?? process.cwd(), file);

export function readLocal(ctx: CommandContext, file: string, what: string): string {
  try {
    return readFileSync(localPath(ctx, file), 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

export function writeLocal(
  ctx: CommandContext,
  file: string,
  data: string | Buffer,
  what: string,
  mode?: number,
): string {
  const full = localPath(ctx, file);
  try {
    writeFileSync(full, data, { mode, flag: mode ? 'wx' : 'w' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot write ${what} ${file}: ${code === 'EEXIST' ? 'the file exists (not overwriting a key)' : (code ?? (err as Error).message)}`,
    );
  }
  return full;
}

/** Flags that only mean something with --wait are refused without it, before anything is sent, not ignored. */
export function onlyWithWait(ctx: CommandContext, flags: string[], hint: string): void {
  if (ctx.values.wait === true) return;
  const given = flags.filter((f) => ctx.values[f] !== undefined).map((f) => `--${f}`);
  if (given.length)
    throw new UsageError(`${given.join(' and ')} ${given.length > 1 ? 'go' : 'goes'} with --wait (${hint})`);
}

/** Flags of one API are refused with the other, before anything is sent. */
export function notWith(ctx: CommandContext, api: Api, flags: string[]): void {
  const given = flags.filter((f) => ctx.values[f] !== undefined).map((f) => `--${f}`);
  if (given.length)
    throw new UsageError(
      `${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} not for the ${api.toUpperCase()} API (--api ${api === 'soap' ? 'rest' : 'soap'})`,
    );
}

export function waitOptions(ctx: CommandContext) {
  const timeout = str(ctx.values, 'timeout');
  const interval = str(ctx.values, 'poll-interval');
  return {
    timeoutMs: timeout ? parseDuration(timeout, 'timeout') : undefined,
    backoff: {
      initialDelayMs: interval ? parseDuration(interval, 'poll-interval') : 2000,
      maxDelayMs: 30_000,
      factor: 1.5,
    },
    signal: ctx.io.signal,
    onPoll: (e: PollEvent | RestPollEvent) => ctx.out.poll(e),
  };
}

function certificateSummary(cert: CollectedCertificate) {
  return {
    serialNumber: cert.serialNumber,
    subject: cert.leaf.subject,
    issuer: cert.leaf.issuer,
    emails: cert.emails,
    notBefore: cert.leaf.notBefore.toISOString(),
    notAfter: cert.leaf.notAfter.toISOString(),
    format: cert.format,
    chainLength: cert.chain.length,
  };
}

/** Print or save a collected certificate (PEM, leaf first); `ids` (orderNumber, backendCertId) lead its JSON. */
export function deliver(
  ctx: CommandContext,
  order: number | string,
  cert: CollectedCertificate,
  ids: Record<string, unknown>,
): number {
  const outFile = str(ctx.values, 'out');
  const file = outFile ? writeLocal(ctx, outFile, cert.fullChainPem, 'the certificate to') : undefined;
  ctx.out.endProgress();
  ctx.out.data({ ...ids, ...certificateSummary(cert), ...(file ? { file } : { pem: cert.fullChainPem }) });
  const line = `order ${order}: certificate ${cert.serialNumber} for ${cert.emails.join(', ') || cert.leaf.subject}, valid until ${cert.leaf.notAfter.toISOString()}`;
  if (file) {
    ctx.out.line(line);
    ctx.out.line(
      `written to ${file} (leaf + ${cert.chain.length} CA certificate${cert.chain.length === 1 ? '' : 's'}, PEM)`,
    );
  } else {
    ctx.out.info(line);
    ctx.out.raw(cert.fullChainPem);
  }
  return EXIT.OK;
}

export function orderArg(ctx: CommandContext): number {
  if (!ctx.positionals.length) throw new UsageError('missing ORDER (the order number enroll printed)');
  NO_MORE_POSITIONALS(ctx, 1);
  return positiveInt(ctx.positionals[0], 'ORDER');
}

/** REST's id of a certificate: backendCertId (the order number enroll printed). */
export function backendCertIdArg(ctx: CommandContext): string {
  if (!ctx.positionals.length) throw new UsageError('missing ORDER (the backendCertId enroll printed)');
  NO_MORE_POSITIONALS(ctx, 1);
  const id = ctx.positionals[0].trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new UsageError(`ORDER must be a backendCertId, not "${id}"`);
  return id;
}
