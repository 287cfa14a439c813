import { z } from 'zod';
import type { CertificateProfile, CustomField, RestOrganization } from '../../wsdl/rest/schemas.js';

/**
 * What the REST API adds to the accounts fixture, kept under the `rest` keys of a customer and of an organization:
 * the certificate profiles (GET .../smime/v1/types: ids, names, terms, key types, and the KU/EKU template their
 * certificates get) and the custom fields (GET .../customFields; mandatory ones are enforced at enroll, -62). An
 * organization may narrow the profiles it is given. Departments get ids of their own (organization id * 1000 +
 * their position, from 1), since REST names organizations and departments by id.
 */

/** A customer without a `rest` key gets this one profile. */
export const DEFAULT_PROFILES = [
  {
    id: 1,
    name: 'ccm-mock S/MIME',
    description: 'the profile of a customer whose accounts fixture defines none',
    terms: [365],
    keyTypes: { RSA: ['2048', '3072', '4096'] },
    useSecondaryOrgName: false,
  },
] as const;

const profileSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  description: z.string().default(''),
  /** days, each at most 825: an S/MIME certificate's longest validity (SBR 6.3.2) */
  terms: z
    .array(
      z
        .number()
        .int()
        .positive()
        .max(825, "a term is at most 825 days, the S/MIME Baseline Requirements' maximum (SBR 6.3.2)"),
    )
    .min(1),
  /** key algorithm to key sizes (as strings, the API's shape): {"RSA": ["2048", "4096"]} */
  keyTypes: z.record(z.string().min(1), z.array(z.string().regex(/^\d+$/, 'a key size in bits'))).default({
    RSA: ['2048', '3072', '4096'],
  }),
  useSecondaryOrgName: z.boolean().default(false),
  /** the shortName of the customer's KU/EKU template its certificates get (default: the CA's S/MIME default) */
  template: z.string().optional(),
});

const customFieldSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1).max(256),
  mandatory: z.boolean().default(false),
});

export const restCustomerSchema = z.object({
  profiles: z.array(profileSchema).default([]),
  customFields: z.array(customFieldSchema).default([]),
});

export const restOrganizationSchema = z.object({
  /** ids of the customer's profiles this organization may use (default: all) */
  profiles: z.array(z.number().int().positive()).optional(),
});

export type RestProfile = z.output<typeof profileSchema>;

/** The fixture's shape as these rules read it (accounts.ts's customer, before its own types exist). */
interface CustomerShape {
  templates: readonly { shortName: string }[];
  rest?: z.output<typeof restCustomerSchema>;
  organizations: readonly {
    orgId: number;
    name: string;
    departments: readonly { name: string }[];
    rest?: z.output<typeof restOrganizationSchema>;
  }[];
}

/** The most departments an organization may have: their ids are orgId * 1000 + 1 ... 999. */
export const MAX_DEPARTMENTS = 999;

export const departmentId = (orgId: number, index: number) => orgId * 1000 + index + 1;

/** The fixture's REST rules across keys (accounts.ts's superRefine calls it per customer). */
export function checkRestSettings(
  customer: CustomerShape,
  path: (string | number)[],
  allOrgIds: ReadonlySet<number>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const profiles = customer.rest?.profiles ?? [];
  const ids = new Set<number>();
  profiles.forEach((p, pi) => {
    const at = [...path, 'rest', 'profiles', pi];
    if (ids.has(p.id)) issue([...at, 'id'], `duplicate profile id ${p.id}`);
    ids.add(p.id);
    if (p.template !== undefined && !customer.templates.some((t) => t.shortName === p.template))
      issue([...at, 'template'], `template ${p.template} is not one of the customer's templates`);
  });
  const fieldIds = new Set<number>();
  const fieldNames = new Set<string>();
  (customer.rest?.customFields ?? []).forEach((f, fi) => {
    const at = [...path, 'rest', 'customFields', fi];
    if (fieldIds.has(f.id)) issue([...at, 'id'], `duplicate custom field id ${f.id}`);
    if (fieldNames.has(f.name)) issue([...at, 'name'], `duplicate custom field name ${f.name}`);
    fieldIds.add(f.id);
    fieldNames.add(f.name);
  });
  customer.organizations.forEach((o, oi) => {
    const at = [...path, 'organizations', oi];
    (o.rest?.profiles ?? []).forEach((id, i) => {
      if (!ids.has(id)) issue([...at, 'rest', 'profiles', i], `profile ${id} is not one of the customer's profiles`);
    });
    if (o.departments.length > MAX_DEPARTMENTS)
      issue([...at, 'departments'], `at most ${MAX_DEPARTMENTS} departments (their ids are orgId * 1000 + 1 ...)`);
    o.departments.forEach((_d, di) => {
      const id = departmentId(o.orgId, di);
      if (allOrgIds.has(id))
        issue([...at, 'departments', di], `department id ${id} (orgId * 1000 + ${di + 1}) is an organization's id`);
    });
  });
}

/** An organization or one of its departments, as a REST id names it. */
export interface OrgUnit<O> {
  org: O;
  /** the department's name, when the id is a department's */
  department?: string;
  /** the id asked for */
  id: number;
}

interface OrgShape {
  orgId: number;
  name: string;
  departments: readonly { name: string }[];
  rest?: z.output<typeof restOrganizationSchema>;
}

/** The REST view of a customer's accounts: profiles, custom fields, organizations and departments by id. */
export class RestDirectory<O extends OrgShape> {
  constructor(
    private readonly customer: {
      rest?: z.output<typeof restCustomerSchema>;
      organizations: readonly O[];
    },
  ) {}

  /** Every profile of the customer (the default one when the fixture defines none). */
  profiles(): RestProfile[] {
    const own = this.customer.rest?.profiles ?? [];
    return own.length
      ? own
      : DEFAULT_PROFILES.map((p) => ({ ...p, terms: [...p.terms], keyTypes: { RSA: [...p.keyTypes.RSA] } }));
  }

  /** The profiles an organization is given, in the fixture's order (its first is its default). */
  profilesOf(org: O): RestProfile[] {
    const given = org.rest?.profiles;
    const all = this.profiles();
    return given ? all.filter((p) => given.includes(p.id)) : all;
  }

  profile(id: number): RestProfile | undefined {
    return this.profiles().find((p) => p.id === id);
  }

  /** An organization's default profile, its first: the one a SOAP order (which names none) is filed under. */
  defaultProfileOf(org: O | undefined): RestProfile {
    return (org && this.profilesOf(org)[0]) ?? this.profiles()[0];
  }

  /** An order's profile: its own (a REST order's certType), or its organization's default. */
  profileOfOrder(order: { orgId: number; rest?: { certType: number } }): RestProfile {
    const own = order.rest && this.profile(order.rest.certType);
    return own ?? this.defaultProfileOf(this.customer.organizations.find((o) => o.orgId === order.orgId));
  }

  customFields(): CustomField[] {
    return (this.customer.rest?.customFields ?? []).map(({ id, name, mandatory }) => ({ id, name, mandatory }));
  }

  /** The organization an id names, itself or through one of its departments. */
  unit(id: number): OrgUnit<O> | undefined {
    for (const org of this.customer.organizations) {
      if (org.orgId === id) return { org, id };
      const index = org.departments.findIndex((_d, i) => departmentId(org.orgId, i) === id);
      if (index >= 0) return { org, department: org.departments[index].name, id };
    }
    return undefined;
  }

  /** The id of an organization's department, by name. */
  departmentIdOf(org: O, name: string | undefined): number | undefined {
    const index = name === undefined ? -1 : org.departments.findIndex((d) => d.name === name);
    return index < 0 ? undefined : departmentId(org.orgId, index);
  }

  organization(org: O): RestOrganization {
    return {
      id: org.orgId,
      name: org.name,
      departments: org.departments.map((d, i) => ({
        id: departmentId(org.orgId, i),
        name: d.name,
        parentName: org.name,
      })),
    };
  }
}

/** A profile as the API shows it (without the fixture's template). */
export function profileView(p: RestProfile): CertificateProfile {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    terms: [...p.terms],
    keyTypes: Object.fromEntries(Object.entries(p.keyTypes).map(([k, v]) => [k, [...v]])),
    useSecondaryOrgName: p.useSecondaryOrgName,
  };
}
