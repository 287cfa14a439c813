import type { OperationName } from './contract.js';

/**
 * The guide's return-code tables (CCM S/MIME Enroll API 5.7), transcribed as they stand: which operation may
 * answer which code. The status-code catalog (status-codes.ts) must answer each pair or say here why not, and
 * a pair it answers that is not here is ccm-mock's choice (statusSource); test/e2e/status-codes.test.ts holds
 * the two together and the notes in docs/status-codes.md render the exceptions. Only codes: enroll's positive
 * order numbers are not listed.
 */

interface GuideTable {
  section: string;
  operations: readonly OperationName[];
  codes: readonly number[];
}

const CSR_AND_AUTH = [-7, -9, -10, -11, -12, -13, -14, -100, -101] as const;

const GUIDE_TABLES: readonly GuideTable[] = [
  { section: '2.1.1.2', operations: ['enroll'], codes: [...CSR_AND_AUTH, -120] },
  { section: '2.1.7', operations: ['enrollUsingKUTemplates'], codes: [...CSR_AND_AUTH, -111, -112, -113, -114, -120] },
  { section: '2.2.2', operations: ['getCollectStatus'], codes: [1, 0, -1, -2, -14, -16, -100, -101, -120] },
  { section: '2.3.2', operations: ['collect'], codes: [1, 0, -1, -2, -14, -16, -20, -21, -22, -100, -101, -120] },
  // one table for the three revoke operations
  {
    section: '2.4.2',
    operations: ['revoke', 'revokeBySerialNumber', 'revokeAllByPerson'],
    codes: [0, -1, -2, -3, -4, -14, -16, -20, -21, -26, -100, -101, -120],
  },
];

export interface GuidePair {
  operation: OperationName;
  code: number;
  section: string;
}

export const GUIDE_PAIRS: readonly GuidePair[] = GUIDE_TABLES.flatMap((t) =>
  t.operations.flatMap((operation) => t.codes.map((code) => ({ operation, code, section: t.section }))),
);

export function isGuidePair(code: number, operation: OperationName): boolean {
  return GUIDE_PAIRS.some((p) => p.code === code && p.operation === operation);
}

export interface NotAnswered {
  operation: OperationName;
  codes: readonly number[];
  reason: string;
}

/** Guide pairs ccm-mock never answers, each with the reason no realistic request can produce it. */
export const NOT_ANSWERED: readonly NotAnswered[] = [
  {
    operation: 'revoke',
    codes: [-3, -4],
    reason:
      'revoke names the certificate by `orderNumber`; it has no serial number argument to be invalid or unknown (2.4.2 is one table for the three revoke operations)',
  },
  {
    operation: 'revokeBySerialNumber',
    codes: [-1, -2],
    reason: 'it has no order number argument; a serial that names no certificate is -4',
  },
  {
    operation: 'revokeBySerialNumber',
    codes: [-20, -26],
    reason:
      'a serial number exists only once a certificate is issued: a rejected request never had one and a certificate being issued has none yet, so no serial a client can know names such an order (any serial the mock does not know is -4)',
  },
  {
    operation: 'revokeAllByPerson',
    codes: [-1, -2, -3, -4],
    reason:
      'it names a person (email, organization, department), neither an order nor a serial; a person without any order gets 0',
  },
];
