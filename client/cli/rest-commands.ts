import {
  COLLECT_FORMATS,
  isCollectFormat,
  type CertificateProfile,
  type CollectFormat,
} from '../../wsdl/rest/index.js';
import { CcmRestStatusError } from '../errors.js';
import { isPending, type CcmRestClient, type RestCollected, type RestListQuery } from '../rest-client.js';
import {
  backendCertIdArg,
  deliver,
  EXIT,
  NO_MORE_POSITIONALS,
  onlyWithWait,
  restClientFrom,
  waitOptions,
  writeLocal,
  type Command,
  type CommandContext,
} from './context.js';
import { CONNECTION, CREDENTIALS, list, OUTPUT, positiveInt, str, UsageError, WAIT } from './options.js';

/**
 * `ccm` over the REST API: what enroll, status, collect and revoke do with --api rest, and the commands only the
 * REST API has (types, custom-fields, organizations, list, renew).
 */

const REST_ONLY = { default: 'rest', only: true } as const;

// ---- the REST side of the commands both APIs have ----

/** The profile and term to enroll with: as given (a profile by id or name), else the organization's first. */
async function profileFor(ctx: CommandContext, client: CcmRestClient, orgId: number) {
  const given = str(ctx.values, 'cert-type');
  const termText = str(ctx.values, 'term');
  const term = termText !== undefined ? positiveInt(termText, '--term') : undefined;
  if (given !== undefined && /^\d+$/.test(given) && term !== undefined)
    return { certType: positiveInt(given, '--cert-type'), term };
  const profiles = await client.listTypes({ organizationId: orgId }, { signal: ctx.io.signal });
  let profile: CertificateProfile | undefined;
  if (given === undefined) profile = profiles[0];
  else profile = profiles.find((p) => String(p.id) === given || p.name === given);
  if (!profile)
    throw new UsageError(
      given === undefined
        ? `organization ${orgId} has no certificate profile (ccm types)`
        : `--cert-type ${given}: no profile of organization ${orgId} has that id or name; it has ${profiles.map((p) => `${p.id} (${p.name})`).join(', ') || 'none'}`,
    );
  return { certType: profile.id, term: term ?? profile.terms[0] };
}

/** firstName and lastName from --first-name / --last-name, else from the name: its last word is the last name. */
function namesOf(ctx: CommandContext, username: string) {
  const words = username.trim().split(/\s+/);
  const firstName = str(ctx.values, 'first-name') ?? (words.length > 1 ? words.slice(0, -1).join(' ') : words[0]);
  const lastName = str(ctx.values, 'last-name') ?? words[words.length - 1];
  return { firstName, lastName };
}

function customFields(ctx: CommandContext) {
  return list(ctx.values, 'custom-field').map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--custom-field ${item}: give NAME=VALUE`);
    return { name: item.slice(0, eq), value: item.slice(eq + 1) };
  });
}

/** Refuse what REST enroll cannot do before a key is made or anything is sent. */
export function checkRestEnroll(ctx: CommandContext): void {
  if (str(ctx.values, 'org-id') === undefined) throw new UsageError('missing --org-id / CCM_ORG_ID');
  customFields(ctx);
}

export async function restEnroll(
  ctx: CommandContext,
  request: { email: string; username: string; csr: string; keyFile?: string },
): Promise<number> {
  const client = restClientFrom(ctx);
  const orgId = positiveInt(str(ctx.values, 'org-id')!, '--org-id');
  const { certType, term } = await profileFor(ctx, client, orgId);
  const fields = customFields(ctx);
  const enrolled = await client.enroll(
    {
      orgId,
      csr: request.csr,
      certType,
      term,
      email: request.email,
      ...namesOf(ctx, request.username),
      commonName: request.username,
      ...(fields.length ? { customFields: fields } : {}),
    },
    { signal: ctx.io.signal },
  );
  const summary = {
    ...enrolled,
    email: request.email,
    username: request.username,
    certType,
    term,
    ...(request.keyFile ? { keyFile: request.keyFile } : {}),
  };
  if (ctx.values.wait !== true) {
    ctx.out.data(summary);
    ctx.out.line(`order ${enrolled.backendCertId} enrolled for ${request.email} (profile ${certType}, ${term} days)`);
    ctx.out.info(`collect it with: ccm collect ${enrolled.backendCertId} --api rest --wait`);
    return EXIT.OK;
  }
  ctx.out.info(`order ${enrolled.backendCertId} enrolled for ${request.email}`);
  const collected = await client.waitForCertificate(enrolled.backendCertId, waitOptions(ctx));
  return deliver(ctx, enrolled.backendCertId, collected.certificate!, summary);
}

export async function restStatus(ctx: CommandContext): Promise<number> {
  const backendCertId = backendCertIdArg(ctx);
  try {
    await restClientFrom(ctx).collect(backendCertId, { signal: ctx.io.signal });
  } catch (err) {
    if (!isPending(err)) throw err;
    ctx.out.data({ backendCertId, code: err.code, status: 'processing' });
    ctx.out.line(`order ${backendCertId}: being processed (${err.code})`);
    return EXIT.OK;
  }
  ctx.out.data({ backendCertId, status: 'available' });
  ctx.out.line(`order ${backendCertId}: certificate available`);
  return EXIT.OK;
}

function formatOf(ctx: CommandContext): CollectFormat | undefined {
  const format = str(ctx.values, 'format');
  if (format !== undefined && !isCollectFormat(format))
    throw new UsageError(`--format must be one of ${COLLECT_FORMATS.join(', ')}, not "${format}"`);
  return format;
}

/** A collect answer in the format asked for, written as it came (DER only to a file). */
function deliverRaw(ctx: CommandContext, collected: RestCollected): number {
  const outFile = str(ctx.values, 'out');
  const binary = !collected.body.subarray(0, 64).toString('latin1').includes('-----BEGIN');
  if (binary && !outFile && !ctx.out.json)
    throw new UsageError(`--format ${collected.format} is binary (DER): give --out FILE`);
  const file = outFile ? writeLocal(ctx, outFile, collected.body, 'the certificate to') : undefined;
  ctx.out.endProgress();
  ctx.out.data({
    backendCertId: collected.backendCertId,
    format: collected.format,
    contentType: collected.contentType,
    filename: collected.filename,
    certificates: collected.certificates.length,
    ...(collected.certificate ? { serialNumber: collected.certificate.serialNumber } : {}),
    ...(file
      ? { file }
      : binary
        ? { base64: collected.body.toString('base64') }
        : { body: collected.body.toString('utf8') }),
  });
  const what = `${collected.certificates.length} certificate${collected.certificates.length === 1 ? '' : 's'}, ${collected.format}`;
  if (file) ctx.out.line(`order ${collected.backendCertId}: written to ${file} (${what})`);
  else {
    ctx.out.info(`order ${collected.backendCertId}: ${what}`);
    ctx.out.raw(collected.body.toString('utf8'));
  }
  return EXIT.OK;
}

export async function restCollect(ctx: CommandContext): Promise<number> {
  const backendCertId = backendCertIdArg(ctx);
  const format = formatOf(ctx);
  const client = restClientFrom(ctx);
  let collected: RestCollected;
  if (ctx.values.wait === true) {
    collected = await client.waitForCertificate(backendCertId, { ...waitOptions(ctx), format });
  } else {
    try {
      collected = await client.collect(backendCertId, { signal: ctx.io.signal, format });
    } catch (err) {
      if (!isPending(err)) throw err;
      ctx.out.data({ backendCertId, code: err.code, status: 'processing' });
      ctx.out.line(`order ${backendCertId}: being processed (${err.code}); try again later, or use --wait`);
      return EXIT.NOT_READY;
    }
  }
  if (format !== undefined || !collected.certificate) return deliverRaw(ctx, collected);
  return deliver(ctx, backendCertId, collected.certificate, { backendCertId });
}

function revocation(ctx: CommandContext) {
  const reason = str(ctx.values, 'reason');
  const codeText = str(ctx.values, 'reason-code');
  if (codeText !== undefined && !['0', '1', '3', '4', '5'].includes(codeText))
    throw new UsageError(`--reason-code must be 0, 1, 3, 4 or 5 (RFC 5280 reasons), not "${codeText}"`);
  return {
    ...(reason !== undefined ? { reason } : {}),
    ...(codeText !== undefined ? { reasonCode: Number(codeText) as 0 | 1 | 3 | 4 | 5 } : {}),
  };
}

export async function restRevoke(ctx: CommandContext, target: { serial?: string; person?: string }): Promise<number> {
  const revoke = revocation(ctx);
  const signal = ctx.io.signal;
  if (target.person !== undefined) {
    NO_MORE_POSITIONALS(ctx, 0);
    await restClientFrom(ctx).revokeByEmail({ email: target.person, ...revoke }, { signal });
    ctx.out.data({ revoked: 'person', email: target.person });
    ctx.out.line(`revoked every valid certificate of ${target.person}`);
    return EXIT.OK;
  }
  if (target.serial !== undefined) {
    NO_MORE_POSITIONALS(ctx, 0);
    await restClientFrom(ctx).revokeBySerial(target.serial, revoke, { signal });
    ctx.out.data({ revoked: 'serial', serialNumber: target.serial });
    ctx.out.line(`revoked the certificate with serial ${target.serial}`);
    return EXIT.OK;
  }
  const backendCertId = backendCertIdArg(ctx);
  await restClientFrom(ctx).revokeByOrder(backendCertId, revoke, { signal });
  ctx.out.data({ revoked: 'order', backendCertId });
  ctx.out.line(`revoked order ${backendCertId}`);
  return EXIT.OK;
}

// ---- the commands only REST has ----

const types: Command = {
  name: 'types',
  summary: 'REST: the certificate profiles (ids, terms, key types), or those of --org-id',
  usage: 'ccm types [--org-id ID] [options]',
  api: REST_ONLY,
  options: [
    { flag: 'org-id', type: 'string', env: 'CCM_ORG_ID', arg: 'ID', help: "only this organization's profiles" },
    ...CONNECTION,
    ...CREDENTIALS,
    ...OUTPUT,
  ],
  async run(ctx) {
    NO_MORE_POSITIONALS(ctx, 0);
    const orgId = str(ctx.values, 'org-id');
    const profiles = await restClientFrom(ctx).listTypes(
      orgId !== undefined ? { organizationId: positiveInt(orgId, '--org-id') } : {},
      { signal: ctx.io.signal },
    );
    ctx.out.data({ types: profiles });
    if (!profiles.length) ctx.out.line('no certificate profiles');
    for (const p of profiles) {
      ctx.out.line(`${String(p.id).padEnd(6)} ${p.name}${p.description ? `  ${p.description}` : ''}`);
      const keys = Object.entries(p.keyTypes).map(([alg, sizes]) => `${alg} ${sizes.join('/')}`);
      ctx.out.line(`       terms: ${p.terms.join(', ')} days; keys: ${keys.join(', ') || '-'}`);
    }
    return EXIT.OK;
  },
};

const customFieldsCommand: Command = {
  name: 'custom-fields',
  summary: 'REST: the custom fields an enrollment may (or must) carry',
  usage: 'ccm custom-fields [options]',
  api: REST_ONLY,
  options: [...CONNECTION, ...CREDENTIALS, ...OUTPUT],
  async run(ctx) {
    NO_MORE_POSITIONALS(ctx, 0);
    const fields = await restClientFrom(ctx).listCustomFields({ signal: ctx.io.signal });
    ctx.out.data({ customFields: fields });
    if (!fields.length) ctx.out.line('no custom fields');
    for (const f of fields) ctx.out.line(`${String(f.id).padEnd(6)} ${f.name}${f.mandatory ? '  (mandatory)' : ''}`);
    return EXIT.OK;
  },
};

const organizations: Command = {
  name: 'organizations',
  summary: 'REST: the organizations and their departments (ids for --org-id)',
  usage: 'ccm organizations [options]',
  api: REST_ONLY,
  options: [...CONNECTION, ...CREDENTIALS, ...OUTPUT],
  async run(ctx) {
    NO_MORE_POSITIONALS(ctx, 0);
    const orgs = await restClientFrom(ctx).organizations({ signal: ctx.io.signal });
    ctx.out.data({ organizations: orgs });
    for (const o of orgs) {
      ctx.out.line(`${String(o.id).padEnd(10)} ${o.name}`);
      for (const d of o.departments) ctx.out.line(`  ${String(d.id).padEnd(10)} ${d.name}`);
    }
    return EXIT.OK;
  },
};

const LIST_FILTERS = [
  ['email', 'email', 'ADDRESS'],
  ['state', 'state', 'STATE'],
  ['serial', 'serialNumber', 'SERIAL'],
  ['backend-cert-id', 'backendCertId', 'ID'],
  ['person-id', 'personId', 'ID'],
  ['cert-type-id', 'certTypeId', 'ID'],
] as const;

function nonNegative(text: string, what: string): number {
  if (!/^\d{1,10}$/.test(text.trim())) throw new UsageError(`${what} must be 0 or a positive integer, not "${text}"`);
  return Number(text);
}

const listCommand: Command = {
  name: 'list',
  summary: 'REST: the certificates matching filters, a page at a time (or --all, --count, --person EMAIL)',
  usage: 'ccm list [--email ADDRESS] [--state STATE] ... [--size N] [--position N] [--all | --count] [options]',
  description:
    'GET /smime/v2 with the filters given; the total is X-Total-Count. --count asks only for the total (HEAD);\n' +
    "--all pages through every match (200 at a time); --person EMAIL lists a person's certificates instead.",
  api: REST_ONLY,
  options: [
    ...LIST_FILTERS.map(([flag, , arg]) => ({
      flag,
      type: 'string' as const,
      arg,
      help: `only certificates with this ${flag.replace(/-/g, ' ')}`,
    })),
    { flag: 'size', type: 'string', arg: 'N', help: 'page size, at most 200 (default: the service default)' },
    { flag: 'position', type: 'string', arg: 'N', help: 'the first item of the page (default 0)' },
    { flag: 'all', type: 'boolean', help: 'every page' },
    { flag: 'count', type: 'boolean', help: 'only the number of certificates that match (HEAD)' },
    { flag: 'person', type: 'string', arg: 'EMAIL', help: "a person's certificates (GET /smime/v2/byPersonEmail)" },
    ...CONNECTION,
    ...CREDENTIALS,
    ...OUTPUT,
  ],
  examples: ['ccm list --email alice@example.com', 'ccm list --state issued --count', 'ccm list --all --json'],
  async run(ctx) {
    NO_MORE_POSITIONALS(ctx, 0);
    const filters: RestListQuery = {};
    for (const [flag, key] of LIST_FILTERS) {
      const value = str(ctx.values, flag);
      if (value === undefined) continue;
      if (key === 'personId' || key === 'certTypeId') filters[key] = positiveInt(value, `--${flag}`);
      else (filters as Record<string, string>)[key] = value;
    }
    const size = str(ctx.values, 'size');
    const position = str(ctx.values, 'position');
    const person = str(ctx.values, 'person');
    const modes = [ctx.values.all === true, ctx.values.count === true, person !== undefined].filter(Boolean).length;
    if (modes > 1) throw new UsageError('give at most one of --all, --count, --person');
    if ((size !== undefined || position !== undefined) && modes)
      throw new UsageError('--size and --position page a plain list (not --all, --count or --person)');
    if (person !== undefined && Object.keys(filters).length)
      throw new UsageError('--person lists a person: the filters go with a plain list');
    const client = restClientFrom(ctx);
    const signal = ctx.io.signal;
    if (ctx.values.count === true) {
      const total = await client.count(filters, { signal });
      ctx.out.data({ total });
      ctx.out.line(String(total));
      return EXIT.OK;
    }
    let items;
    let total: number | undefined;
    if (person !== undefined) items = await client.listByPersonEmail(person, { signal });
    else if (ctx.values.all === true) items = await client.listAll(filters, { signal });
    else {
      const page = await client.list(
        {
          ...filters,
          ...(size !== undefined ? { size: positiveInt(size, '--size') } : {}),
          ...(position !== undefined ? { position: nonNegative(position, '--position') } : {}),
        },
        { signal },
      );
      ({ items, total } = page);
    }
    ctx.out.data({ ...(total !== undefined ? { total } : {}), items });
    for (const i of items)
      ctx.out.line(
        `${i.backendCertId.padEnd(10)} ${i.state.padEnd(9)} ${(i.serialNumber ?? '-').padEnd(48)} ${i.expires ?? '-'}  ${i.certificateDetails.subject ?? ''}`,
      );
    ctx.out.info(
      `${items.length} certificate${items.length === 1 ? '' : 's'}${total !== undefined ? ` of ${total}` : ''}`,
    );
    return EXIT.OK;
  },
};

const renew: Command = {
  name: 'renew',
  summary: "REST: a new certificate for an issued one's key and parameters (prints the new order)",
  usage: 'ccm renew (ORDER | --serial SERIAL) [--wait [--out FILE]] [options]',
  description: 'renew is sent once: if the answer is lost, check with `ccm list --email ...` before renewing again.',
  api: REST_ONLY,
  options: [
    { flag: 'serial', type: 'string', arg: 'SERIAL', help: 'renew the certificate with this serial number' },
    ...WAIT,
    ...CONNECTION,
    ...CREDENTIALS,
    ...OUTPUT,
  ],
  async run(ctx) {
    onlyWithWait(ctx, ['out', 'timeout', 'poll-interval'], 'without it, renew only prints the new order');
    const serial = str(ctx.values, 'serial');
    if ((serial !== undefined) === ctx.positionals.length > 0)
      throw new UsageError('give exactly one of ORDER and --serial SERIAL');
    const client = restClientFrom(ctx);
    const signal = ctx.io.signal;
    let renewed;
    if (serial !== undefined) {
      NO_MORE_POSITIONALS(ctx, 0);
      renewed = await client.renewBySerial(serial, { signal });
    } else renewed = await client.renewByOrder(backendCertIdArg(ctx), { signal });
    const of = serial !== undefined ? { serialNumber: serial } : { renewedBackendCertId: ctx.positionals[0] };
    if (ctx.values.wait !== true) {
      ctx.out.data({ ...renewed, ...of });
      ctx.out.line(
        `order ${renewed.backendCertId} renews ${serial !== undefined ? `serial ${serial}` : `order ${ctx.positionals[0]}`}`,
      );
      return EXIT.OK;
    }
    const collected = await client.waitForCertificate(renewed.backendCertId, waitOptions(ctx));
    return deliver(ctx, renewed.backendCertId, collected.certificate!, { ...renewed, ...of });
  },
};

export const REST_COMMANDS: readonly Command[] = [types, customFieldsCommand, organizations, listCommand, renew];

/** The REST catalog's hints, by name (the SOAP ones in main.ts are by code: the two APIs reuse numbers). */
export const REST_HINTS: Partial<Record<string, string>> = {
  UNKNOWN_USER: 'check --login, --password and --customer-uri (CCM_LOGIN, CCM_PASSWORD, CCM_CUSTOMER_URI)',
  ORGANIZATION_NOT_FOUND: 'check --org-id (CCM_ORG_ID); `ccm organizations` lists them',
  DOMAIN_NOT_ALLOWED: "the e-mail's domain is not one of the organization's (CCM_EMAIL_DOMAIN)",
  PROFILE_NOT_FOUND: 'check --cert-type (CCM_CERT_TYPE); `ccm types` lists the profiles',
  PROFILE_INVALID: 'the organization is not given this profile: `ccm types --org-id ID` lists its own',
  TERM_INVALID: "check --term (CCM_TERM): one of the profile's terms (`ccm types`)",
  MANDATORY_CUSTOM_FIELD: 'give --custom-field NAME=VALUE for each mandatory field (`ccm custom-fields`)',
  NOT_AUTHORIZED: "the customer's configuration does not allow this operation through the API",
  ACCESS_DENIED: 'the admin may not act for the organization of this order',
};

export function restHint(err: CcmRestStatusError): string | undefined {
  return err.status ? REST_HINTS[err.status] : undefined;
}
