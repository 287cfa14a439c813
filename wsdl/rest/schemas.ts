import { z } from 'zod';

/**
 * The REST API's bodies as zod schemas: what each request may carry (with the vendor documentation's limits) and
 * what each answer holds. The server validates requests with the request schemas; a client may parse answers with
 * the response schemas (they accept unknown fields; `.strict()` one to see drift). Optional request fields accept
 * `null`: python-cert_manager sends null for every field it was not given.
 *
 * Limits are the vendor's ("Certificate Manager 25.5 REST API": "Maximum length is 128 characters", ...), except
 * where a comment names ccm-mock's own bound (list sizes the docs leave open).
 */

/** Field lengths and list sizes, for messages and docs. */
export const REST_LIMITS = {
  email: 128,
  phone: 32,
  /** firstName + ' ' + middleName + ' ' + lastName */
  fullName: 64,
  name: 64,
  commonName: 64,
  eppn: 128,
  upn: 256,
  comments: 1024,
  /** the PEM text of a CSR (OAS: 32767 characters) */
  csr: 32767,
  reason: 512,
  customFieldName: 256,
  customFieldValue: 256,
  /** ccm-mock's bound: the docs give none */
  secondaryEmails: 100,
  /** ccm-mock's bound: the docs give none */
  customFields: 100,
  /** the largest page of a list (python-cert_manager: "max seems to be 200 by default") */
  pageSize: 200,
  /** ccm-mock's bound on path and query values (serial numbers, emails, backendCertId) */
  pathValue: 256,
} as const;

/** The CRLReason codes revocation accepts ("Allowed ranges 0,1 and 3-5"). */
export const REVOCATION_REASON_CODES = [0, 1, 3, 4, 5] as const;

/** The phone pattern of the docs: `[#|0-9|\(|\)|\-|\+| x]*`. */
export const PHONE_PATTERN = /^[#|0-9()\-+ x]*$/;

/**
 * A well-formed email as the mock checks it (the docs say only "well-formed"): a local part of 1-64 characters,
 * a domain of dot-separated labels.
 */
export const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

const email = z.string().max(REST_LIMITS.email).regex(EMAIL_PATTERN);
const optionalText = (max: number) => z.string().max(max).nullish();
const positiveId = z.number().int().positive();

// ---- errors ----

/** Every error answer: `{"code": <negative>, "description": "..."}` (OAS adds an optional `details`). */
export const RestErrorSchema = z.object({
  code: z.number().int().negative(),
  description: z.string(),
  details: z.string().optional(),
});
export type RestError = z.infer<typeof RestErrorSchema>;

// ---- helpers: types, custom fields ----

export const CertificateProfileSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** the docs' details example leaves it out of `certType`; ccm-mock always sends it */
  description: z.string().optional(),
  /** terms in days */
  terms: z.array(z.number().int()),
  /** e.g. {"RSA": ["2048", "3072", "4096"]} */
  keyTypes: z.record(z.string(), z.array(z.string())),
  useSecondaryOrgName: z.boolean(),
});
export type CertificateProfile = z.infer<typeof CertificateProfileSchema>;

export const CustomFieldSchema = z.object({ id: z.number().int(), name: z.string(), mandatory: z.boolean() });
export type CustomField = z.infer<typeof CustomFieldSchema>;

export const TypesQuerySchema = z.object({ organizationId: z.coerce.number().int().positive().optional() });

// ---- enroll ----

export const CustomFieldValueSchema = z.object({
  name: z.string().min(1).max(REST_LIMITS.customFieldName),
  value: z.string().max(REST_LIMITS.customFieldValue),
});

/** The fields that describe a person, in an enroll and in a person's creation (the docs give both the same limits). */
const personFields = {
  email: email,
  phone: z.string().max(REST_LIMITS.phone).regex(PHONE_PATTERN).nullish(),
  secondaryEmails: z.array(email).max(REST_LIMITS.secondaryEmails).nullish(),
  firstName: z.string().trim().min(1).max(REST_LIMITS.name),
  middleName: optionalText(REST_LIMITS.name),
  lastName: z.string().trim().min(1).max(REST_LIMITS.name),
  /** enroll: "if omitted will be constructed from Person's full name" */
  commonName: optionalText(REST_LIMITS.commonName),
  eppn: optionalText(REST_LIMITS.eppn),
  upn: optionalText(REST_LIMITS.upn),
};

export const EnrollRequestSchema = z
  .object({
    /** an organization's or a department's id */
    orgId: positiveId,
    csr: z.string().min(1).max(REST_LIMITS.csr),
    /** the certificate profile's id (GET .../types) */
    certType: positiveId,
    /** days; one of the profile's terms */
    term: positiveId,
    ...personFields,
    customFields: z.array(CustomFieldValueSchema).max(REST_LIMITS.customFields).nullish(),
    comments: optionalText(REST_LIMITS.comments),
  })
  .superRefine((r, ctx) => {
    // the docs' rule across three fields, reported on the first
    if (fullName(r).length > REST_LIMITS.fullName)
      ctx.addIssue({
        code: 'custom',
        path: ['firstName'],
        message: `the full name has more than ${REST_LIMITS.fullName} characters`,
      });
  });
export type EnrollRequest = z.infer<typeof EnrollRequestSchema>;

/** The docs' rule across three fields: firstName + ' ' + middleName + ' ' + lastName in 1..64 characters. */
export function fullName(r: { firstName: string; middleName?: string | null; lastName: string }): string {
  return [r.firstName, r.middleName ?? '', r.lastName]
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
}

/** enroll and renew answer the same: orderNumber is "Obsolete", backendCertId is what to collect by. */
export const EnrollResponseSchema = z.object({ orderNumber: z.number().int(), backendCertId: z.string() });
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;

// ---- revoke ----

const reasonCode = z
  .number()
  .int()
  .refine((c) => (REVOCATION_REASON_CODES as readonly number[]).includes(c));

export const RevokeRequestSchema = z.object({
  /** "Maximum length is 512 characters or can be empty" */
  reason: z.string().max(REST_LIMITS.reason).nullish(),
  /** 0 unspecified, 1 keyCompromise, 3 affiliationChanged, 4 superseded, 5 cessationOfOperation */
  reasonCode: reasonCode.nullish(),
});
export type RevokeRequest = z.infer<typeof RevokeRequestSchema>;

export const RevokeByEmailRequestSchema = RevokeRequestSchema.extend({ email: email });
export type RevokeByEmailRequest = z.infer<typeof RevokeByEmailRequestSchema>;

/** certId, or serialNumber with issuer (the issuer's DN, or nothing), says which certificate. */
export const ManualRevokeRequestSchema = z.object({
  certId: z.number().int().nonnegative().nullish(),
  serialNumber: z.string().max(REST_LIMITS.pathValue).nullish(),
  issuer: z.string().max(REST_LIMITS.pathValue).nullish(),
  /** ISO 8601, e.g. 2025-05-21T12:24:56.548+00:00; default: now */
  revokeDate: z.string().max(64).nullish(),
  reasonCode: reasonCode.nullish(),
});
export type ManualRevokeRequest = z.infer<typeof ManualRevokeRequestSchema>;

// ---- replace ----

export const ReplaceRequestSchema = z.object({
  csr: z.string().min(1).max(REST_LIMITS.csr),
  reason: z.string().max(REST_LIMITS.reason).nullish(),
  /** revoke the replaced certificate (default true, as python-cert_manager sends) */
  revoke: z.boolean().nullish(),
});
export type ReplaceRequest = z.infer<typeof ReplaceRequestSchema>;

// ---- lists ----

/** The states a list filters by and shows ("downloaded" is deprecated; ccm-mock never reports it). */
export const CERTIFICATE_STATES = [
  'blank',
  'created',
  'requested',
  'issued',
  'downloaded',
  'expired',
  'revoked',
  'rejected',
  'pre_revoked',
] as const;
export type CertificateState = (typeof CERTIFICATE_STATES)[number];

const queryInt = (min: number) => z.coerce.number().int().min(min);

export const ListQuerySchema = z.object({
  size: queryInt(1).optional(),
  position: queryInt(0).optional(),
  personId: queryInt(1).optional(),
  /** '' (the docs list it) means any state */
  state: z.union([z.enum(CERTIFICATE_STATES), z.literal('')]).optional(),
  certTypeId: queryInt(1).optional(),
  serialNumber: z.string().max(REST_LIMITS.pathValue).optional(),
  backendCertId: z.string().max(REST_LIMITS.pathValue).optional(),
  email: z.string().max(REST_LIMITS.email).optional(),
  keyVault: z.enum(['true', 'false']).optional(),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

export const CertificateDetailsSchema = z.object({
  issuer: z.string().optional(),
  subject: z.string().optional(),
  subjectAltNames: z.string().optional(),
  md5Hash: z.string().optional(),
  sha1Hash: z.string().optional(),
});

export const CertificateListItemSchema = z.object({
  /** the certificate id (GET .../smime/v1/{id}), not backendCertId */
  id: z.number().int(),
  state: z.string(),
  certificateDetails: CertificateDetailsSchema,
  /** colon-separated hex pairs, upper case; absent before issuance */
  serialNumber: z.string().optional(),
  orderNumber: z.number().int(),
  backendCertId: z.string(),
  /** yyyy-MM-dd */
  expires: z.string().optional(),
  comments: z.string().optional(),
});
export type CertificateListItem = z.infer<typeof CertificateListItemSchema>;

export const CertificateListSchema = z.array(CertificateListItemSchema);

/** The header carrying a list's total (and HEAD's answer). */
export const TOTAL_COUNT_HEADER = 'X-Total-Count';

// ---- details ----

export const CertificateInfoSchema = z.object({
  id: z.number().int(),
  commonName: z.string(),
  orgId: z.number().int(),
  status: z.string(),
  backendCertId: z.string(),
  certType: CertificateProfileSchema,
  /** days */
  term: z.number().int(),
  requestedVia: z.string(),
  /** MM/dd/yyyy (the docs' examples) */
  requested: z.string(),
  issued: z.string().optional(),
  expires: z.string().optional(),
  revoked: z.string().optional(),
  reasonCode: z.number().int().optional(),
  serialNumber: z.string().optional(),
  signatureAlg: z.string().optional(),
  keyAlgorithm: z.string().optional(),
  keySize: z.number().int().optional(),
  /** "RSA - 2048" */
  keyType: z.string().optional(),
  keyUsages: z.array(z.string()).optional(),
  extendedKeyUsages: z.array(z.string()).optional(),
  subjectAlternativeNames: z.array(z.string()).optional(),
  customFields: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  certificateDetails: CertificateDetailsSchema,
  suspendNotifications: z.boolean(),
  comments: z.string().optional(),
});
export type CertificateInfo = z.infer<typeof CertificateInfoSchema>;

// ---- organizations ----

export const DepartmentSchema = z.object({ id: z.number().int(), name: z.string(), parentName: z.string() });
export const OrganizationSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  departments: z.array(DepartmentSchema),
});
export type RestOrganization = z.infer<typeof OrganizationSchema>;
export const OrganizationListSchema = z.array(OrganizationSchema);

// ---- persons ----

export const PersonIdSchema = z.object({ personId: z.number().int() });

export const VALIDATION_TYPES = ['STANDARD', 'HIGH'] as const;

export const PersonCreateRequestSchema = z.object({
  ...personFields,
  validationType: z.enum(VALIDATION_TYPES),
  organizationId: positiveId,
});
export type PersonCreateRequest = z.infer<typeof PersonCreateRequestSchema>;
