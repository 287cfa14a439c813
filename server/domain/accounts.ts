import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OPERATIONS, type OperationName } from '../../wsdl/contract.js';
import { KEY_USAGE_BITS, OID, type KeyUsageName } from '../ca/oids.js';
import { generationOf, keyUsageProblem, PROHIBITED_EKUS } from '../ca/smime-profile.js';
import { certificateValidation, validationSchema } from './leaf-subject.js';
import { parseDelay } from './lifecycle.js';
import { checkRestSettings, restCustomerSchema, restOrganizationSchema } from './rest-accounts.js';
import { LIMITS } from './rules.js';

/**
 * Customers, their admins, organizations and KU/EKU templates, read from a fixture file
 * (fixtures/accounts.json by default). The fixture is checked when loaded and a mistake is reported
 * with its JSON path, so a broken accounts file never starts a server that answers -100 to everyone.
 */

const operationName = z.enum(OPERATIONS);

const EXT_KEY_USAGE_NAMES: Record<string, { oid: string; name: string }> = {
  emailProtection: { oid: OID.emailProtection, name: 'Secure Email' },
  clientAuth: { oid: OID.clientAuth, name: 'Client Authentication' },
  serverAuth: { oid: OID.serverAuth, name: 'Server Authentication' },
  codeSigning: { oid: OID.codeSigning, name: 'Code Signing' },
  timeStamping: { oid: OID.timeStamping, name: 'Time Stamping' },
  documentSigning: { oid: OID.documentSigning, name: 'Document Signing' },
  msEncryptedFileSystem: { oid: '1.3.6.1.4.1.311.10.3.4', name: 'Encrypting File System' },
  smartcardLogon: { oid: '1.3.6.1.4.1.311.20.2.2', name: 'Smartcard Logon' },
};

/** The names CCM shows key usages by (the guide's KU/EKU templates, the REST details). */
export const KEY_USAGE_LABELS: Record<KeyUsageName, string> = {
  digitalSignature: 'Digital Signature',
  nonRepudiation: 'Non Repudiation',
  keyEncipherment: 'Key Encipherment',
  dataEncipherment: 'Data Encipherment',
  keyAgreement: 'Key Agreement',
  keyCertSign: 'Certificate Sign',
  cRLSign: 'CRL Sign',
  encipherOnly: 'Encipher Only',
  decipherOnly: 'Decipher Only',
};

/** The guide's name of a KeyUsage code (its RFC 5280 bit), as getKUTemplates answers it; undefined for no such bit. */
export function keyUsageLabel(code: number): string | undefined {
  const name = (Object.keys(KEY_USAGE_BITS) as KeyUsageName[]).find((k) => KEY_USAGE_BITS[k] === code);
  return name && KEY_USAGE_LABELS[name];
}

/** The name getKUTemplates gives an ExtKeyUsage OID the mock knows; undefined for others. */
export function extKeyUsageName(oid: string): string | undefined {
  return Object.values(EXT_KEY_USAGE_NAMES).find((e) => e.oid === oid)?.name;
}

const templateSchema = z.object({
  shortName: z.string().min(1),
  description: z.string().default(''),
  keyUsages: z.array(z.enum(Object.keys(KEY_USAGE_BITS) as [KeyUsageName, ...KeyUsageName[]])).default([]),
  extKeyUsages: z
    .array(
      z.union([
        z.enum(Object.keys(EXT_KEY_USAGE_NAMES) as [string, ...string[]]),
        z.object({ oid: z.string().regex(/^\d+(\.\d+)+$/, 'a dotted OID'), name: z.string() }),
      ]),
    )
    .default([]),
  /** a retired template answers -113 */
  retired: z.boolean().default(false),
});

const ekuOid = (e: z.output<typeof templateSchema>['extKeyUsages'][number]) =>
  typeof e === 'string' ? EXT_KEY_USAGE_NAMES[e].oid : e.oid;

/**
 * Why the test CA, an S/MIME CA, cannot issue what this template describes, or undefined when it can: an
 * EKU the S/MIME Baseline Requirements prohibit (SBR 7.1.2.2 g, 7.1.2.3 f), none at all, or key usages an RSA
 * key may not have in the certificate's generation (SBR 7.1.2.3 e). A retired template is never issued (-113).
 */
function templateProblem(t: z.output<typeof templateSchema>): string | undefined {
  if (t.retired) return undefined;
  const ekus = t.extKeyUsages.map(ekuOid);
  const prohibited = ekus.filter((e) => PROHIBITED_EKUS.has(e));
  if (prohibited.length)
    return `EKU ${prohibited.join(', ')} is not for an S/MIME CA's certificates (SBR 7.1.2.3 f): the test CA cannot issue it`;
  if (!ekus.length) return 'a template names at least one EKU (SBR 7.1.2.3 f: extKeyUsage SHALL be present)';
  const problem = keyUsageProblem(
    t.keyUsages.map((k) => KEY_USAGE_BITS[k]),
    generationOf(ekus),
  );
  return problem && `keyUsages: ${problem} (SBR 7.1.2.3 e)`;
}

const departmentSchema = z.union([
  z
    .string()
    .min(1)
    .transform((name) => ({ name, emails: [] as string[] })),
  z.object({ name: z.string().min(1), emails: z.array(z.string()).default([]) }),
]);

const organizationSchema = z.object({
  orgId: z.number().int().positive(),
  name: z.string().min(1),
  /**
   * the organization's "Secret Key" (guide 2.1.1.1), at most 20 characters: the limit holds here, so a longer
   * key in an enroll request can only be a wrong one (-101)
   */
  secretKey: z
    .string()
    .min(1)
    .max(LIMITS.secretKey, `a secret key has at most ${LIMITS.secretKey} characters (guide 2.1.1.1)`),
  /** "example.com" allows that domain; "*.example.com" its subdomains */
  emailDomains: z.array(z.string().min(1)).default([]),
  departments: z.array(departmentSchema).default([]),
  /** shortNames of the customer templates this organization may use; others answer -114 */
  templates: z.array(z.string()).default([]),
  /** a second enroll for the same email revokes this organization's earlier certificates for it */
  autoRevokePrevious: z.boolean().default(false),
  /** operations answering -120 for this organization */
  forbiddenOperations: z.array(operationName).default([]),
  /** a suspended organization's client-certificate access is invalid: -101 (the admin API toggles it) */
  suspended: z.boolean().default(false),
  /** this organization's processing delay (0, 3s, 2s-8s, 3polls), overriding the default delay */
  delay: z
    .union([z.string(), z.number()])
    .optional()
    .superRefine((d, ctx) => {
      if (d === undefined) return;
      try {
        parseDelay(d);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** the certificate type of its certificates and what their subject names (server/domain/leaf-subject.ts) */
  validation: validationSchema.optional(),
  /** the REST API's settings: the profiles this organization is given (rest-accounts.ts) */
  rest: restOrganizationSchema.optional(),
});

const adminSchema = z.object({
  login: z.string().min(1),
  password: z.string(),
  /** the orgIds this admin may act for, or "all" */
  organizations: z.union([z.literal('all'), z.array(z.number().int().positive())]).default('all'),
});

const customerSchema = z.object({
  customerLoginUri: z.string().min(1),
  name: z.string().default(''),
  /** operations answering -120 for the whole customer */
  forbiddenOperations: z.array(operationName).default([]),
  templates: z.array(templateSchema).default([]),
  admins: z.array(adminSchema).min(1),
  /** each with its `validation` completed by the defaults (leaf-subject.ts) */
  organizations: z
    .array(organizationSchema.transform((o) => ({ ...o, validation: certificateValidation(o.orgId, o.validation) })))
    .default([]),
  /** the REST API's settings: certificate profiles and custom fields (rest-accounts.ts) */
  rest: restCustomerSchema.optional(),
});

export const accountsFileSchema = z
  .object({
    $comment: z.string().optional(),
    customers: z.array(customerSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const uris = new Set<string>();
    const orgIds = new Set<number>();
    const allOrgIds = new Set(file.customers.flatMap((c) => c.organizations.map((o) => o.orgId)));
    file.customers.forEach((c, ci) =>
      checkRestSettings(c, ['customers', ci], allOrgIds, (path, message) =>
        ctx.addIssue({ code: 'custom', path, message }),
      ),
    );
    file.customers.forEach((c, ci) => {
      if (uris.has(c.customerLoginUri))
        ctx.addIssue({
          code: 'custom',
          path: ['customers', ci, 'customerLoginUri'],
          message: `duplicate customerLoginUri ${c.customerLoginUri}`,
        });
      uris.add(c.customerLoginUri);
      const templates = new Set(c.templates.map((t) => t.shortName));
      c.templates.forEach((t, ti) => {
        const problem = templateProblem(t);
        if (problem) ctx.addIssue({ code: 'custom', path: ['customers', ci, 'templates', ti], message: problem });
      });
      c.organizations.forEach((o, oi) => {
        if (orgIds.has(o.orgId))
          ctx.addIssue({
            code: 'custom',
            path: ['customers', ci, 'organizations', oi, 'orgId'],
            message: `duplicate orgId ${o.orgId}`,
          });
        orgIds.add(o.orgId);
        o.templates.forEach((t, ti) => {
          if (!templates.has(t))
            ctx.addIssue({
              code: 'custom',
              path: ['customers', ci, 'organizations', oi, 'templates', ti],
              message: `template ${t} is not one of the customer's templates`,
            });
        });
      });
      const logins = new Set<string>();
      c.admins.forEach((a, ai) => {
        if (logins.has(a.login))
          ctx.addIssue({
            code: 'custom',
            path: ['customers', ci, 'admins', ai, 'login'],
            message: `duplicate admin login ${a.login}`,
          });
        logins.add(a.login);
        if (a.organizations !== 'all') {
          a.organizations.forEach((id, i) => {
            if (!c.organizations.some((o) => o.orgId === id))
              ctx.addIssue({
                code: 'custom',
                path: ['customers', ci, 'admins', ai, 'organizations', i],
                message: `orgId ${id} is not one of the customer's organizations`,
              });
          });
        }
      });
    });
  });

export type AccountsFile = z.output<typeof accountsFileSchema>;
export type Customer = AccountsFile['customers'][number];
export type Admin = Customer['admins'][number];
export type Organization = Customer['organizations'][number];
type TemplateConfig = Customer['templates'][number];

/** A KU/EKU template as the wire describes it (guide 2.1.4 - 2.1.6), plus what the CA needs. */
export interface KuTemplate {
  shortName: string;
  description: string;
  keyUsages: { code: number; name: string }[];
  extKeyUsages: { code: string; name: string }[];
  retired: boolean;
}

function resolveTemplate(t: TemplateConfig): KuTemplate {
  return {
    shortName: t.shortName,
    description: t.description,
    retired: t.retired,
    keyUsages: t.keyUsages.map((k) => ({ code: KEY_USAGE_BITS[k], name: KEY_USAGE_LABELS[k] })),
    extKeyUsages: t.extKeyUsages.map((e) =>
      typeof e === 'string'
        ? { code: EXT_KEY_USAGE_NAMES[e].oid, name: EXT_KEY_USAGE_NAMES[e].name }
        : { code: e.oid, name: e.name },
    ),
  };
}

export class AccountsError extends Error {}

/** Parse and check an accounts fixture; errors name the JSON path. */
export function parseAccounts(json: unknown, source = 'accounts'): AccountsFile {
  const result = accountsFileSchema.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AccountsError(`${source} is not a valid accounts file:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function readAccountsFile(path: string): AccountsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AccountsError(
      `cannot read the accounts file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AccountsError(`the accounts file ${path} is not JSON: ${(err as Error).message}`);
  }
  return parseAccounts(json, path);
}

/**
 * Comparison of a stored secret with a given one in time that does not depend on what either holds (passwords,
 * secret keys, and the admin token in server/admin/auth.ts).
 */
export function sameSecret(stored: string, given: string): boolean {
  const expected = Buffer.from(stored, 'utf8');
  const actual = Buffer.from(given, 'utf8');
  if (actual.length !== expected.length) {
    timingSafeEqual(expected, expected); // the same work as a comparison of equal lengths
    return false;
  }
  return timingSafeEqual(expected, actual);
}

export interface AuthDataInput {
  login?: string;
  password?: string;
  customerLoginUri?: string;
}

export interface Principal {
  customer: Customer;
  admin: Admin;
}

/** The account directory: authentication, permissions and lookups. */
export class Accounts {
  private readonly customers = new Map<string, Customer>();
  private readonly templates = new Map<string, Map<string, KuTemplate>>();
  /** suspension set at run time (admin API), by orgId; the fixture's value otherwise */
  private readonly suspension = new Map<number, boolean>();

  constructor(readonly file: AccountsFile) {
    for (const c of file.customers) {
      this.customers.set(c.customerLoginUri, c);
      this.templates.set(c.customerLoginUri, new Map(c.templates.map((t) => [t.shortName, resolveTemplate(t)])));
    }
  }

  listCustomers(): Customer[] {
    return [...this.customers.values()];
  }

  customer(uri: string): Customer | undefined {
    return this.customers.get(uri);
  }

  /** The admin behind authData, or undefined for any mismatch (the caller answers -100). */
  authenticate(auth: AuthDataInput | undefined): Principal | undefined {
    if (!auth?.customerLoginUri || !auth.login || auth.password === undefined) return undefined;
    const customer = this.customers.get(auth.customerLoginUri);
    const admin = customer?.admins.find((a) => a.login === auth.login);
    if (!customer || !admin || !sameSecret(admin.password, auth.password)) return undefined;
    return { customer, admin };
  }

  organization(customer: Customer, orgId: number): Organization | undefined {
    return customer.organizations.find((o) => o.orgId === orgId);
  }

  organizationByName(customer: Customer, name: string): Organization | undefined {
    return customer.organizations.find((o) => o.name === name);
  }

  /** Every organization with its customer. */
  listOrganizations(): { customer: Customer; org: Organization }[] {
    return this.listCustomers().flatMap((customer) => customer.organizations.map((org) => ({ customer, org })));
  }

  /** The organization with this orgId, whichever customer owns it. */
  organizationById(orgId: number): { customer: Customer; org: Organization } | undefined {
    return this.listOrganizations().find((e) => e.org.orgId === orgId);
  }

  isSuspended(org: Organization): boolean {
    return this.suspension.get(org.orgId) ?? org.suspended;
  }

  /** Suspend or reinstate an organization at run time (undefined: back to the fixture's value). */
  setSuspended(orgId: number, suspended: boolean | undefined): void {
    if (suspended === undefined) this.suspension.delete(orgId);
    else this.suspension.set(orgId, suspended);
  }

  mayActFor(admin: Admin, orgId: number): boolean {
    return admin.organizations === 'all' || admin.organizations.includes(orgId);
  }

  checkSecretKey(org: Organization, secretKey: string | undefined): boolean {
    return secretKey !== undefined && sameSecret(org.secretKey, secretKey);
  }

  /** Is `op` forbidden by the customer's or (when given) the organization's configuration (-120)? */
  forbids(customer: Customer, op: OperationName, org?: Organization): boolean {
    return customer.forbiddenOperations.includes(op) || (org?.forbiddenOperations.includes(op) ?? false);
  }

  /** Domain rule of the guide: the email's domain must be one of the organization's. */
  emailDomainAllowed(org: Organization, email: string): boolean {
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    return org.emailDomains.some((d) => {
      const allowed = d.toLowerCase();
      return allowed.startsWith('*.') ? domain.endsWith(allowed.slice(1)) : domain === allowed;
    });
  }

  /** The department an email belongs to in an organization, if the fixture places it in one. */
  departmentOf(org: Organization, email: string): string | undefined {
    const lower = email.toLowerCase();
    return org.departments.find((d) => d.emails.some((e) => e.toLowerCase() === lower))?.name;
  }

  customerTemplates(customer: Customer): KuTemplate[] {
    return [...(this.templates.get(customer.customerLoginUri)?.values() ?? [])];
  }

  template(customer: Customer, shortName: string): KuTemplate | undefined {
    return this.templates.get(customer.customerLoginUri)?.get(shortName);
  }
}
