import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateKeyAndCsr, RSA_KEY_SIZES, type RsaKeySize } from '../csr.js';
import { ALL_CHECKS, checkApi, NOT_RUN, runConformance } from '../conformance/runner.js';
import { formatReplay, replayRecording, ReplayError } from '../conformance/replay.js';
import { formatJson, formatJunit, formatTable } from '../conformance/reports.js';
import {
  apiOf,
  clientFrom,
  restClientFrom,
  deliver,
  EXIT,
  localPath,
  NO_MORE_POSITIONALS,
  notWith,
  onlyWithWait,
  orderArg,
  readLocal,
  waitOptions,
  writeLocal,
  type Command,
  type CommandContext,
} from './context.js';
import {
  CONNECTION,
  CREDENTIALS,
  list,
  ORGANIZATION,
  OUTPUT,
  parseDuration,
  positiveInt,
  PROFILE,
  str,
  UsageError,
  WAIT,
} from './options.js';
import { checkRestEnroll, REST_COMMANDS, restCollect, restEnroll, restRevoke, restStatus } from './rest-commands.js';

/**
 * The `ccm` commands. Each returns an exit code; errors thrown here are mapped to exit codes by main.ts. A command
 * both APIs have branches on --api (the REST side is rest-commands.ts, with the commands only REST has).
 */

export { EXIT } from './context.js';
export type { Command, CommandContext } from './context.js';

/** What each exit code means, for `--help` and the table in docs/cli.md (npm run docs): one text per code. */
export const EXIT_MEANINGS: Record<(typeof EXIT)[keyof typeof EXIT], string> = {
  0: 'success',
  1: 'conformance: at least one check failed, or (--recording) a replayed answer differed or got none',
  2: 'usage error: bad command line, a file that cannot be read or written',
  3: 'CCM answered a negative status code (SOAP: the return value; REST: an error body), printed with the catalog\'s meaning; "code" in --json',
  4: 'CCM answered a SOAP fault',
  5: 'transport failure: cannot connect, timeout, an HTTP error page (REST: an error without a JSON body), an unreadable answer',
  6: 'not issued yet: the order is still being processed (SOAP 0, REST -183: collect without --wait, or --wait timed out)',
  70: 'internal error (a bug in ccm: please report it)',
  130: 'interrupted (Ctrl-C); --wait says how to resume, conformance still cleans up',
};

const SOAP_ONLY = { default: 'soap', only: true } as const;

// ---- commands ----

const info: Command = {
  name: 'info',
  summary: 'getWebServiceInfo: the service name and version (no credentials needed)',
  usage: 'ccm info [options]',
  api: SOAP_ONLY,
  options: [...CONNECTION, ...OUTPUT],
  examples: ['ccm info --url https://cert-manager.com/ws/EPKIManager'],
  async run(ctx) {
    NO_MORE_POSITIONALS(ctx, 0);
    const client = clientFrom(ctx, false);
    const text = await client.getWebServiceInfo({ signal: ctx.io.signal });
    ctx.out.data({ endpoint: client.endpoint, namespace: client.namespace, info: text });
    ctx.out.line(text);
    return EXIT.OK;
  },
};

const templates: Command = {
  name: 'templates',
  summary: "getKUTemplates: the account's KU/EKU templates (REST has certificate profiles: ccm types)",
  usage: 'ccm templates [options]',
  api: SOAP_ONLY,
  options: [...CONNECTION, ...CREDENTIALS, ...OUTPUT],
  async run(ctx) {
    NO_MORE_POSITIONALS(ctx, 0);
    const list = await clientFrom(ctx).getKUTemplates({ signal: ctx.io.signal });
    ctx.out.data({ templates: list });
    if (!list.length)
      ctx.out.line('no KU/EKU templates (or the credentials were refused: getKUTemplates has no error code)');
    for (const t of list) {
      ctx.out.line(`${t.shortName}${t.description ? `  ${t.description}` : ''}`);
      ctx.out.line(
        `    key usages:          ${(t.keyUsages ?? []).map((k) => `${k.name ?? '?'} (${k.code})`).join(', ') || '-'}`,
      );
      ctx.out.line(
        `    extended key usages: ${(t.extKeyUsages ?? []).map((k) => `${k.name ?? '?'} (${k.code})`).join(', ') || '-'}`,
      );
    }
    return EXIT.OK;
  },
};

const enroll: Command = {
  name: 'enroll',
  summary: 'enroll / enrollUsingKUTemplates, or REST enroll: request a certificate (prints the order number)',
  usage:
    'ccm enroll (--csr FILE | --generate-key) [--email ADDRESS] [--username NAME] [--template NAME]... [--wait [--out FILE]] [options]',
  description:
    'Without --email, a fresh test address ccm-<random>@<CCM_EMAIL_DOMAIN> is used; an --email without "@" gets\n' +
    '@<CCM_EMAIL_DOMAIN> appended. --generate-key writes a new unencrypted RSA private key to --key-out (never\n' +
    'overwriting a file) before the request is sent. enroll is sent once: if the answer is lost, check with\n' +
    '`ccm status` before enrolling again. With --api rest: the profile and term are --cert-type and --term (default:\n' +
    "the organization's first profile and its first term), the person's names --first-name and --last-name\n" +
    "(default: from --username, its last word the last name), and --username is the certificate's common name.",
  options: [
    {
      flag: 'csr',
      type: 'string',
      arg: 'FILE',
      help: 'PKCS#10 request (PEM or base64); "-" is not supported, give a file',
    },
    { flag: 'generate-key', type: 'boolean', help: 'make a new RSA key and CSR instead of --csr' },
    {
      flag: 'key-bits',
      type: 'string',
      arg: 'BITS',
      help: `with --generate-key: ${RSA_KEY_SIZES.join(', ')} (default 2048)`,
    },
    {
      flag: 'key-out',
      type: 'string',
      arg: 'FILE',
      help: 'with --generate-key: where to write the private key (default <email local part>.key)',
    },
    {
      flag: 'email',
      type: 'string',
      arg: 'ADDRESS',
      help: "the person's e-mail (SAN); its domain must be the organization's",
    },
    {
      flag: 'username',
      type: 'string',
      arg: 'NAME',
      help: 'subject CN of the certificate (default: the e-mail local part)',
    },
    {
      flag: 'template',
      type: 'string',
      multiple: true,
      arg: 'NAME',
      help: 'SOAP: KU/EKU template short name (repeatable): uses enrollUsingKUTemplates',
    },
    ...PROFILE,
    { flag: 'first-name', type: 'string', arg: 'NAME', help: "REST: the person's first name" },
    { flag: 'last-name', type: 'string', arg: 'NAME', help: "REST: the person's last name" },
    {
      flag: 'custom-field',
      type: 'string',
      multiple: true,
      arg: 'NAME=VALUE',
      help: 'REST: a custom field (repeatable; ccm custom-fields lists them)',
    },
    ...ORGANIZATION,
    ...WAIT,
    ...CONNECTION,
    ...CREDENTIALS,
    ...OUTPUT,
  ],
  examples: [
    'ccm enroll --generate-key --email alice --username "Alice Example" --wait --out alice.pem',
    'ccm enroll --csr alice.csr --email alice@example.com --template smime-signing',
    'ccm enroll --api rest --generate-key --email alice --username "Alice Example" --cert-type 101 --term 365',
  ],
  async run(ctx) {
    NO_MORE_POSITIONALS(ctx, 0);
    onlyWithWait(
      ctx,
      ['out', 'timeout', 'poll-interval'],
      'without it, enroll only prints the order number; later: ccm collect ORDER --wait --out FILE',
    );
    const csrFile = str(ctx.values, 'csr');
    const generate = ctx.values['generate-key'] === true;
    if (!!csrFile === generate) throw new UsageError('give exactly one of --csr FILE and --generate-key');
    const domain = str(ctx.values, 'email-domain');
    let email = str(ctx.values, 'email');
    if (!email) {
      if (!domain)
        throw new UsageError('give --email ADDRESS, or --email-domain / CCM_EMAIL_DOMAIN for a generated test address');
      email = `ccm-${randomBytes(4).toString('hex')}@${domain}`;
    } else if (!email.includes('@')) {
      if (!domain) throw new UsageError(`--email ${email} has no domain: give a full address or set CCM_EMAIL_DOMAIN`);
      email = `${email}@${domain}`;
    }
    const local = email.slice(0, email.lastIndexOf('@'));
    const username = str(ctx.values, 'username') ?? local;
    const api = apiOf(ctx);
    if (api === 'rest') {
      notWith(ctx, 'rest', ['template']);
      checkRestEnroll(ctx);
    } else {
      notWith(ctx, 'soap', ['cert-type', 'term', 'first-name', 'last-name', 'custom-field']);
      clientFrom(ctx); // validates URL and credentials before a key is made
      if (str(ctx.values, 'org-id') === undefined) throw new UsageError('missing --org-id / CCM_ORG_ID');
      if (str(ctx.values, 'secret-key') === undefined) throw new UsageError('missing --secret-key / CCM_SECRET_KEY');
    }

    let csr: string;
    let keyFile: string | undefined;
    if (generate) {
      const bitsText = str(ctx.values, 'key-bits') ?? '2048';
      const bits = Number(bitsText) as RsaKeySize;
      if (!RSA_KEY_SIZES.includes(bits)) throw new UsageError(`--key-bits must be one of ${RSA_KEY_SIZES.join(', ')}`);
      const keyOut = str(ctx.values, 'key-out') ?? `${local.replace(/[^A-Za-z0-9._-]/g, '_')}.key`;
      if (existsSync(localPath(ctx, keyOut)))
        throw new UsageError(`cannot write the private key to ${keyOut}: the file exists (not overwriting a key)`);
      ctx.out.info(`generating an RSA-${bits} key...`);
      const made = await generateKeyAndCsr({ bits, commonName: username, email });
      keyFile = writeLocal(ctx, keyOut, made.privateKeyPem, 'the private key to', 0o600);
      ctx.out.info(`private key written to ${keyFile}`);
      csr = made.csrPem;
    } else {
      csr = readLocal(ctx, csrFile!, 'the CSR');
    }
    if (api === 'rest') return restEnroll(ctx, { email, username, csr, keyFile });
    const client = clientFrom(ctx);
    const templates = list(ctx.values, 'template');
    const orderNumber = await client.enroll({ username, email, csr, templates }, { signal: ctx.io.signal });
    const enrolled = {
      orderNumber,
      email,
      username,
      ...(templates.length ? { templates } : {}),
      ...(keyFile ? { keyFile } : {}),
    };
    if (ctx.values.wait !== true) {
      ctx.out.data(enrolled);
      ctx.out.line(`order ${orderNumber} enrolled for ${email}${keyFile ? ` (key in ${basename(keyFile)})` : ''}`);
      ctx.out.info(`collect it with: ccm collect ${orderNumber} --wait`);
      return EXIT.OK;
    }
    ctx.out.info(`order ${orderNumber} enrolled for ${email}`);
    const cert = await client.waitForCertificate(orderNumber, waitOptions(ctx));
    return deliver(ctx, orderNumber, cert, enrolled);
  },
};

const status: Command = {
  name: 'status',
  summary: 'getCollectStatus (REST: one collect): is the certificate of an order available',
  usage: 'ccm status ORDER [options]',
  description:
    'Prints "available" (1) or "being processed" (0); a negative code exits 3. With --api rest, ORDER is the\n' +
    'backendCertId and one collect tells: available, or being processed (-183).',
  options: [...CONNECTION, ...CREDENTIALS, ...OUTPUT],
  async run(ctx) {
    if (apiOf(ctx) === 'rest') return restStatus(ctx);
    const orderNumber = orderArg(ctx);
    const code = await clientFrom(ctx).getCollectStatus(orderNumber, { signal: ctx.io.signal });
    const state = code >= 1 ? 'available' : 'processing';
    ctx.out.data({ orderNumber, code, status: state });
    ctx.out.line(`order ${orderNumber}: ${code >= 1 ? 'certificate available' : 'being processed'} (${code})`);
    return EXIT.OK;
  },
};

const collect: Command = {
  name: 'collect',
  summary: 'collect: fetch the certificate of an order (PEM, leaf first)',
  usage: 'ccm collect ORDER [--wait [--timeout DURATION]] [--out FILE] [--format FORMAT] [options]',
  description:
    'Whatever format the service answers in (base64 PKCS#7, base64 DER X.509 or PEM), the output is PEM:\nthe leaf, then its chain. Without --wait, an order still being processed exits 6. With --api rest, ORDER is\n' +
    'the backendCertId, and --format asks for one of the REST formats, written as the service sends it.',
  options: [
    ...WAIT,
    {
      flag: 'format',
      type: 'string',
      arg: 'FORMAT',
      help: 'REST: x509, x509CO, base64, bin, x509IO, x509IOR, pem, pemco, pemia or x509R, written as sent',
    },
    ...CONNECTION,
    ...CREDENTIALS,
    ...OUTPUT,
  ],
  examples: [
    'ccm collect 1234567 --wait --out alice.pem',
    'ccm collect 1234567 --api rest --format bin --out alice.p7b',
  ],
  async run(ctx) {
    onlyWithWait(ctx, ['timeout', 'poll-interval'], 'without it, collect asks once');
    if (apiOf(ctx) === 'rest') return restCollect(ctx);
    notWith(ctx, 'soap', ['format']);
    const orderNumber = orderArg(ctx);
    const client = clientFrom(ctx);
    if (ctx.values.wait === true)
      return deliver(ctx, orderNumber, await client.waitForCertificate(orderNumber, waitOptions(ctx)), {
        orderNumber,
      });
    const outcome = await client.collect(orderNumber, { signal: ctx.io.signal });
    if (!outcome.ready) {
      ctx.out.data({ orderNumber, code: outcome.code, status: 'processing' });
      ctx.out.line(`order ${orderNumber}: being processed (${outcome.code}); try again later, or use --wait`);
      return EXIT.NOT_READY;
    }
    return deliver(ctx, orderNumber, outcome.certificate, { orderNumber });
  },
};

const revoke: Command = {
  name: 'revoke',
  summary: 'revoke / revokeBySerialNumber / revokeAllByPerson (REST: revoke by order, serial or email)',
  usage:
    'ccm revoke (ORDER | --serial SERIAL | --person EMAIL [--org NAME [--dep NAME]]) [--reason TEXT] [--reason-code N] [options]',
  description:
    'Revokes exactly what is named: one order, one certificate by serial (hex, as `openssl x509 -serial`\nprints it), or every valid certificate of a person (SOAP: in an organization, --org). With --api rest,\n' +
    'ORDER is the backendCertId, --person needs no --org, and --reason-code gives the RFC 5280 reason.',
  options: [
    { flag: 'serial', type: 'string', arg: 'SERIAL', help: 'revoke the certificate with this serial number (hex)' },
    { flag: 'person', type: 'string', arg: 'EMAIL', help: "revoke all of this person's certificates" },
    { flag: 'org', type: 'string', arg: 'NAME', help: 'SOAP, with --person: the organization name' },
    { flag: 'dep', type: 'string', arg: 'NAME', help: 'SOAP, with --person: the department name, if any' },
    {
      flag: 'reason',
      type: 'string',
      arg: 'TEXT',
      help: 'revocation reason for the audit log (SOAP: max 128 characters, not for --person; REST: max 512)',
    },
    {
      flag: 'reason-code',
      type: 'string',
      arg: 'N',
      help: 'REST: 0 unspecified, 1 keyCompromise, 3 affiliationChanged, 4 superseded, 5 cessationOfOperation',
    },
    ...CONNECTION,
    ...CREDENTIALS,
    ...OUTPUT,
  ],
  examples: [
    'ccm revoke 1234567 --reason "key compromise"',
    'ccm revoke --serial 3f024549e75729f800598bda675d5212',
    'ccm revoke --person alice@example.com --org "Sandbox Org"',
    'ccm revoke --api rest 1234567 --reason "key compromise" --reason-code 1',
  ],
  async run(ctx) {
    const serial = str(ctx.values, 'serial');
    const person = str(ctx.values, 'person');
    const forms = [ctx.positionals.length > 0, serial !== undefined, person !== undefined].filter(Boolean).length;
    if (forms !== 1) throw new UsageError('give exactly one of ORDER, --serial SERIAL, --person EMAIL');
    if (apiOf(ctx) === 'rest') {
      notWith(ctx, 'rest', ['org', 'dep']);
      return restRevoke(ctx, { serial, person });
    }
    notWith(ctx, 'soap', ['reason-code']);
    const reason = str(ctx.values, 'reason') ?? '';
    const signal = ctx.io.signal;
    if (person !== undefined) {
      NO_MORE_POSITIONALS(ctx, 0);
      const org = str(ctx.values, 'org');
      if (!org) throw new UsageError('--person needs --org NAME (the organization name)');
      if (ctx.values.reason !== undefined) throw new UsageError('revokeAllByPerson takes no reason');
      const dep = str(ctx.values, 'dep');
      await clientFrom(ctx).revokeAllByPerson({ email: person, org, dep }, { signal });
      ctx.out.data({ revoked: 'person', email: person, org, ...(dep ? { dep } : {}) });
      ctx.out.line(`revoked every valid certificate of ${person} in ${org}${dep ? ` / ${dep}` : ''}`);
      return EXIT.OK;
    }
    if (ctx.values.org !== undefined || ctx.values.dep !== undefined)
      throw new UsageError('--org and --dep go with --person');
    if (serial !== undefined) {
      NO_MORE_POSITIONALS(ctx, 0);
      await clientFrom(ctx).revokeBySerialNumber(serial, reason, { signal });
      ctx.out.data({ revoked: 'serial', serialNumber: serial });
      ctx.out.line(`revoked the certificate with serial ${serial}`);
      return EXIT.OK;
    }
    const orderNumber = orderArg(ctx);
    await clientFrom(ctx).revoke(orderNumber, reason, { signal });
    ctx.out.data({ revoked: 'order', orderNumber });
    ctx.out.line(`revoked order ${orderNumber}`);
    return EXIT.OK;
  },
};

const conformance: Command = {
  name: 'conformance',
  summary: 'run the conformance checks against an endpoint (the mock or a live CCM), SOAP or --api rest',
  usage:
    'ccm conformance --endpoint URL [--api rest] [--allow-issue] [--allow-revoke] [--allow-mock-only] [--junit FILE] [--json-report FILE] [options]\n' +
    '       ccm conformance --recording DIR --endpoint URL [--allow-issue] [--allow-revoke] [options]',
  description:
    'Runs named checks, each verifying a section of the CCM S/MIME Enroll API guide 5.7, and first compares the\n' +
    "endpoint's ?wsdl with wsdl/EPKIManager.wsdl (the drift report). With --api rest, the REST checks run against\n" +
    'the REST base URL (.../api), each answer held to wsdl/rest (fields, statuses, codes: the drift report).\n' +
    'By default only read-only checks run: they\n' +
    'cannot create or revoke anything. --allow-issue lets checks enroll test certificates (for\n' +
    'ccm-conformance-<run>-<check>@<email domain>); --allow-revoke lets them revoke, and makes the run revoke the\n' +
    'certificates it created at the end - only those (--no-cleanup leaves them). --allow-mock-only adds checks that\n' +
    'need ccm-mock. Exit 0 when every check that ran passed, 1 otherwise. Ctrl-C stops the run; what it created is\n' +
    'still revoked (with --allow-revoke, unless --no-cleanup) and listed, and ccm exits 130.\n\n' +
    'With --recording DIR it replays instead what `ccm-mock proxy --record DIR` recorded: each request is sent again\n' +
    '(the credentials it redacted put back from --login, --password, --customer-uri, --secret-key or their CCM_*\n' +
    'variables; enroll requests only with --allow-issue, revoke requests only with --allow-revoke) and its answer is\n' +
    'compared with the recorded one by structure. Exit 0 when none differs, 1 otherwise.',
  options: [
    { flag: 'allow-issue', type: 'boolean', help: 'run checks that enroll (and may issue) test certificates' },
    {
      flag: 'allow-revoke',
      type: 'boolean',
      help: 'run checks that revoke, and revoke what the run created at the end',
    },
    { flag: 'allow-mock-only', type: 'boolean', help: "run checks that rely on ccm-mock's scripted outcomes" },
    {
      flag: 'only',
      type: 'string',
      multiple: true,
      arg: 'CHECK',
      help: 'run only these checks (repeatable or comma-separated)',
    },
    { flag: 'list', type: 'boolean', help: 'list the checks and exit' },
    {
      flag: 'recording',
      type: 'string',
      arg: 'DIR',
      help: 'replay the exchanges ccm-mock proxy recorded there and compare the answers, instead of the checks',
    },
    {
      flag: 'org-name',
      type: 'string',
      env: 'CCM_ORG_NAME',
      arg: 'NAME',
      help: "SOAP: the organization's name (for revokeAllByPerson)",
    },
    ...PROFILE,
    {
      flag: 'csr',
      type: 'string',
      arg: 'FILE',
      help: 'use this CSR for every enrollment instead of a fresh RSA-2048 key each',
    },
    {
      flag: 'wait-timeout',
      type: 'string',
      arg: 'DURATION',
      help: 'how long to wait for each test certificate (default 5m)',
    },
    { flag: 'poll-interval', type: 'string', arg: 'DURATION', help: 'first pause between status polls (default 2s)' },
    { flag: 'no-cleanup', type: 'boolean', help: 'with --allow-revoke: leave the created certificates unrevoked' },
    { flag: 'junit', type: 'string', arg: 'FILE', help: 'write a JUnit XML report' },
    { flag: 'json-report', type: 'string', arg: 'FILE', help: 'write the JSON report' },
    ...ORGANIZATION,
    ...CONNECTION,
    ...CREDENTIALS,
    ...OUTPUT,
  ],
  examples: [
    'ccm conformance --endpoint http://localhost:8080/ws/EPKIManager --login admin --password sandbox --customer-uri sandbox \\\n      --org-id 1001 --secret-key sandbox-secret --email-domain example.com --org-name "Sandbox Org" --allow-issue --allow-revoke',
    'ccm conformance --junit conformance.xml    # read-only, credentials from CCM_* variables',
    'ccm conformance --api rest --endpoint http://localhost:8080/api --org-id 1001 --email-domain example.com --allow-issue',
    'ccm conformance --recording recordings/ --endpoint http://localhost:8080/ws/EPKIManager   # replay what the proxy recorded',
  ],
  async run(ctx) {
    NO_MORE_POSITIONALS(ctx, 0);
    if (ctx.values.list === true) {
      const api = str(ctx.values, 'api') === undefined ? undefined : apiOf(ctx);
      const checks = ALL_CHECKS.filter((c) => api === undefined || checkApi(c) === api);
      ctx.out.data({
        checks: checks.map((c) => ({ name: c.name, api: checkApi(c), title: c.title, tags: c.tags, guide: c.guide })),
      });
      for (const c of checks)
        ctx.out.line(
          `${c.name.padEnd(32)} ${checkApi(c).padEnd(5)} ${c.tags.join(',').padEnd(29)} guide ${c.guide}\n${''.padEnd(33)}${c.title}`,
        );
      return EXIT.OK;
    }
    const recording = str(ctx.values, 'recording');
    if (recording !== undefined) {
      if (apiOf(ctx) === 'rest')
        throw new UsageError('--recording replays SOAP recordings (ccm-mock proxy): without --api rest');
      return replay(ctx, recording);
    }
    const api = apiOf(ctx);
    // validates URL and credentials
    const endpoint = api === 'rest' ? restClientFrom(ctx).baseUrl : clientFrom(ctx).endpoint;
    const certType = str(ctx.values, 'cert-type');
    const term = str(ctx.values, 'term');
    const waitTimeout = str(ctx.values, 'wait-timeout');
    const interval = str(ctx.values, 'poll-interval');
    const csrFile = str(ctx.values, 'csr');
    const orgId = str(ctx.values, 'org-id');
    const onAbort = () =>
      ctx.out.info(
        `interrupted: stopping${ctx.values['allow-revoke'] === true && ctx.values['no-cleanup'] !== true ? ', then revoking what this run created' : ''} (Ctrl-C again to quit at once)`,
      );
    ctx.io.signal?.addEventListener('abort', onAbort, { once: true });
    const report = await runConformance({
      api,
      endpoint,
      namespace: str(ctx.values, 'namespace'),
      auth: {
        login: str(ctx.values, 'login'),
        password: str(ctx.values, 'password'),
        customerLoginUri: str(ctx.values, 'customer-uri'),
      },
      orgId: orgId !== undefined ? positiveInt(orgId, '--org-id') : undefined,
      secretKey: str(ctx.values, 'secret-key'),
      emailDomain: str(ctx.values, 'email-domain'),
      orgName: str(ctx.values, 'org-name'),
      certType: certType !== undefined ? positiveInt(certType, '--cert-type (an id, for conformance)') : undefined,
      term: term !== undefined ? positiveInt(term, '--term') : undefined,
      allowIssue: ctx.values['allow-issue'] === true,
      allowRevoke: ctx.values['allow-revoke'] === true,
      allowMockOnly: ctx.values['allow-mock-only'] === true,
      only: ctx.values.only !== undefined ? list(ctx.values, 'only') : undefined,
      csr: csrFile ? readLocal(ctx, csrFile, 'the CSR') : undefined,
      waitTimeoutMs: waitTimeout ? parseDuration(waitTimeout, 'wait-timeout') : undefined,
      backoff: { initialDelayMs: interval ? parseDuration(interval, 'poll-interval') : 2000 },
      requestTimeoutMs: str(ctx.values, 'request-timeout')
        ? parseDuration(str(ctx.values, 'request-timeout')!, 'request-timeout')
        : undefined,
      cleanup: ctx.values['no-cleanup'] !== true,
      fetch: ctx.io.fetch,
      signal: ctx.io.signal,
      onCheckStart: (check, i, total) => ctx.out.info(`[${i + 1}/${total}] ${check.name} ...`),
    }).finally(() => ctx.io.signal?.removeEventListener('abort', onAbort));
    const junit = str(ctx.values, 'junit');
    const jsonReport = str(ctx.values, 'json-report');
    if (junit) ctx.out.info(`JUnit report: ${writeLocal(ctx, junit, formatJunit(report), 'the JUnit report to')}`);
    if (jsonReport)
      ctx.out.info(`JSON report: ${writeLocal(ctx, jsonReport, formatJson(report), 'the JSON report to')}`);
    if (ctx.out.json) ctx.io.stdout.write(formatJson(report));
    else ctx.out.raw(formatTable(report));
    if (report.interrupted) {
      const left = report.created.filter((o) => !o.revoked).map((o) => o.backendCertId ?? o.orderNumber);
      const notRun = report.results.filter((r) => r.message === NOT_RUN).length;
      const stopped = notRun ? `${notRun} check${notRun === 1 ? '' : 's'} not run` : 'every check had run';
      ctx.out.error(
        `interrupted: ${stopped}${left.length ? `; orders this run created and did not revoke: ${left.join(', ')}` : ''}`,
      );
      return EXIT.INTERRUPTED;
    }
    return report.ok ? EXIT.OK : EXIT.CHECKS_FAILED;
  },
};

/** `ccm conformance --recording DIR`: the proxy's recordings sent again, answers compared by structure. */
async function replay(ctx: CommandContext, dir: string): Promise<number> {
  const endpoint = clientFrom(ctx, false).endpoint; // validates the URL; credentials are checked per exchange
  const timeout = str(ctx.values, 'request-timeout');
  let report;
  try {
    report = await replayRecording({
      recordingDir: localPath(ctx, dir),
      endpoint,
      credentials: {
        login: str(ctx.values, 'login'),
        password: str(ctx.values, 'password'),
        customerLoginUri: str(ctx.values, 'customer-uri'),
        secretKey: str(ctx.values, 'secret-key'),
      },
      allowIssue: ctx.values['allow-issue'] === true,
      allowRevoke: ctx.values['allow-revoke'] === true,
      requestTimeoutMs: timeout ? parseDuration(timeout, 'request-timeout') : undefined,
      fetch: ctx.io.fetch,
      signal: ctx.io.signal,
    });
  } catch (err) {
    if (err instanceof ReplayError) throw new UsageError(err.message);
    throw err;
  }
  ctx.out.data(report);
  ctx.out.raw(formatReplay(report));
  return report.ok ? EXIT.OK : EXIT.CHECKS_FAILED;
}

export const COMMANDS: readonly Command[] = [
  info,
  templates,
  enroll,
  status,
  collect,
  revoke,
  ...REST_COMMANDS,
  conformance,
];
