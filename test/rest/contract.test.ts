import { describe, expect, it } from 'vitest';
import { REST_TRIGGERS } from '../../server/domain/rest-status-triggers.js';
import { HANDLERS } from '../../server/rest/handlers.js';
import {
  CertificateInfoSchema,
  CertificateListSchema,
  CertificateProfileSchema,
  CustomFieldSchema,
  EnrollRequestSchema,
  EnrollResponseSchema,
  ManualRevokeRequestSchema,
  OrganizationListSchema,
  PersonCreateRequestSchema,
  PersonIdSchema,
  REST_DECISIONS,
  REST_ENDPOINTS,
  REST_OPERATIONS,
  REST_STATUS_CODES,
  restPath,
  restStatusFor,
  RevokeByEmailRequestSchema,
  RevokeRequestSchema,
} from '../../wsdl/rest/index.js';
import { readCsr } from '../support/fixtures.js';

/**
 * The REST contract module on its own: its tables hang together, and the vendor documentation's own examples
 * (requests and responses of "Certificate Manager 25.5 REST API", copied here) parse with its schemas, strictly
 * where the docs show every field.
 */

describe('the REST contract (wsdl/rest/)', () => {
  it('has one endpoint per operation, each method and path once, and a handler and trigger for each', () => {
    expect(REST_ENDPOINTS.map((e) => e.operation).sort()).toEqual([...REST_OPERATIONS].sort());
    const routes = REST_ENDPOINTS.map((e) => `${e.method} ${e.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    expect(Object.keys(HANDLERS).sort()).toEqual([...REST_OPERATIONS].sort());
    expect(Object.keys(REST_TRIGGERS).sort()).toEqual(REST_STATUS_CODES.map((e) => e.name).sort());
  });

  it('builds paths with their parameters URL-encoded, and the query from the defined values', () => {
    expect(restPath('smime.collect', { backendCertId: 12345 }, { format: 'x509CO', size: undefined })).toBe(
      '/smime/v1/collect/12345?format=x509CO',
    );
    expect(restPath('person.idByEmail', { email: 'a+b@example.com' })).toBe(
      '/person/v1/id/byEmail/a%2Bb%40example.com',
    );
    expect(() => restPath('smime.details')).toThrow('smime.details: the path parameter id is missing');
  });

  it('has a catalog of unique names, negative codes, and operations that exist; -1 and the like only before an operation', () => {
    const names = REST_STATUS_CODES.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const e of REST_STATUS_CODES) {
      expect(e.code, e.name).toBeLessThan(0);
      for (const op of e.operations) expect(REST_OPERATIONS).toContain(op);
      if (e.source !== 'doc') expect(e.note, `${e.name} says why ccm-mock chose it`).toBeTruthy();
    }
    // a code and an operation name one entry at most, so an injected code has one meaning
    for (const op of REST_OPERATIONS)
      for (const e of REST_STATUS_CODES.filter((x) => x.operations.includes(op)))
        expect(restStatusFor(e.code, op)?.name, `${e.code} for ${op}`).toBe(e.name);
  });

  it('answers every open question of the evidence, naming the setting where there is one', () => {
    expect(REST_DECISIONS.length).toBeGreaterThanOrEqual(12);
    expect(REST_DECISIONS.find((d) => d.question.startsWith('Collect of a revoked'))?.setting).toBe(
      'restRevokedCollectCode',
    );
  });
});

describe("the vendor docs' examples parse with the contract's schemas", () => {
  it('requests: enroll (with the nulls python-cert_manager sends), revoke, revoke by email, manual revoke, person create', () => {
    const enroll = {
      orgId: 359,
      firstName: 'Name',
      middleName: '',
      lastName: 'LastName',
      email: 'name@test.net',
      phone: '12345678',
      secondaryEmails: [],
      csr: readCsr(),
      certType: 1098,
      term: 365,
      customFields: [],
      commonName: 'Common name',
      upn: null,
      eppn: null,
      comments: 'S/MIME comment string',
    };
    expect(EnrollRequestSchema.safeParse(enroll).success).toBe(true);
    expect(RevokeRequestSchema.safeParse({ reasonCode: 0, reason: 'my reason' }).success).toBe(true);
    expect(RevokeRequestSchema.safeParse({ reason: 'python-cert_manager sends no reasonCode' }).success).toBe(true);
    expect(
      RevokeByEmailRequestSchema.safeParse({ reasonCode: 0, reason: 'my reason', email: 'test@email.example' }).success,
    ).toBe(true);
    expect(
      ManualRevokeRequestSchema.safeParse({
        certId: 1,
        serialNumber: null,
        issuer: null,
        revokeDate: '2025-05-21T12:24:56.548+00:00',
        reasonCode: 4,
      }).success,
    ).toBe(true);
    const person = {
      firstName: 'First Name',
      middleName: 'Middle Name',
      lastName: 'Last Name',
      email: 'test@email.com',
      organizationId: 2703,
      validationType: 'STANDARD',
      phone: '1235',
      secondaryEmails: ['alt1.email@domain.com', 'alt2.email@domain.com'],
      commonName: 'Tester123',
      eppn: '',
      upn: null,
    };
    expect(PersonCreateRequestSchema.safeParse(person).success).toBe(true);
  });

  it('responses: types, custom fields, enroll, list, details, organizations, person id', () => {
    expect(
      CertificateProfileSchema.strict()
        .array()
        .safeParse([
          {
            id: 1134,
            name: 'Client cert SASP 152989352',
            description: 'Client cert SASP -657357031',
            terms: [365],
            keyTypes: { RSA: ['1024', '2048', '4096'] },
            useSecondaryOrgName: false,
          },
        ]).success,
    ).toBe(true);
    expect(
      CustomFieldSchema.strict()
        .array()
        .safeParse([{ id: 58, name: 'testName', mandatory: true }]).success,
    ).toBe(true);
    expect(EnrollResponseSchema.strict().safeParse({ orderNumber: 12345, backendCertId: '12345' }).success).toBe(true);
    expect(
      CertificateListSchema.safeParse([
        {
          id: 1,
          state: 'issued',
          certificateDetails: { subject: 'S/MIME Subject string' },
          serialNumber: 'C3:DB:6F:88:E7:20:DF:99:71:70:59:FB:D0:2D:29:B0',
          orderNumber: 12345,
          backendCertId: '12345',
          expires: '2345-06-07',
          comments: 'S/MIME comment string',
        },
      ]).success,
    ).toBe(true);
    const details = {
      commonName: 'Tester',
      id: 54,
      orgId: 377,
      status: 'issued',
      backendCertId: '12345678',
      certType: {
        id: 1131,
        name: 'High Persona Validated Cert',
        terms: [365, 730],
        keyTypes: { RSA: ['1024', '2048', '4096'] },
        useSecondaryOrgName: false,
      },
      subType: 'Private',
      term: 30,
      requestedVia: 'Self Enroll',
      comments: 'client certificate 54',
      requested: '05/21/2025',
      issued: '05/21/2025',
      expires: '07/02/2025',
      keyAlgorithm: 'RSA',
      keySize: 2048,
      keyType: 'RSA - 2048',
      keyUsages: ['Digital Signature', 'Key Encipherment'],
      extendedKeyUsages: ['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.2'],
      certificateDetails: { sha1Hash: 'AAABBBCCC' },
      suspendNotifications: false,
    };
    expect(CertificateInfoSchema.safeParse(details).success).toBe(true);
    expect(
      OrganizationListSchema.safeParse([
        {
          id: 1697,
          name: 'org4Test',
          departments: [{ id: 1698, parentName: 'org4Test', name: 'department4Test' }],
        },
      ]).success,
    ).toBe(true);
    expect(PersonIdSchema.strict().safeParse({ personId: 117 }).success).toBe(true);
  });
});
