import type { OperationName } from '../../wsdl/contract.js';
import type { RestOperationName } from '../../wsdl/rest/endpoints.js';
import type { CertificateState } from '../../wsdl/rest/schemas.js';
import type { CsrProblem } from '../ca/csr.js';
import type { AccessRefusal, Call } from './access.js';

/**
 * What the REST operations answer: a value, or the situation that refuses the call, which the REST front end
 * maps to its catalog's code (server/rest/outcomes.ts). And the SOAP operation an account's forbiddenOperations
 * names for each REST operation that acts on orders.
 */

export interface RestAuth {
  login?: string;
  password?: string;
  customerUri?: string;
}

/** Why a REST operation is refused: the shared access situations and the REST operations' own. */
export type RestRefusal =
  | AccessRefusal
  | { situation: 'missing-field'; field: string }
  | { situation: 'invalid-field'; field: string; details?: string }
  | { situation: 'organization-not-found'; id: number }
  | { situation: 'domain-not-allowed'; domain: string }
  | { situation: 'csr-rejected'; problem: CsrProblem; details: string }
  | { situation: 'key-not-allowed'; what: 'algorithm' | 'size'; details: string }
  | { situation: 'profile-not-found'; id: number }
  | { situation: 'profile-not-available'; id: number }
  | { situation: 'term-invalid'; term: number }
  | { situation: 'custom-field-missing'; name: string }
  | { situation: 'custom-field-unknown'; name: string }
  /** a serial number or certificate id that names no certificate of the customer */
  | { situation: 'certificate-not-found'; ref: string }
  /** the order is not in a state the operation acts on: `status` is its REST state */
  | { situation: 'not-issued'; state: 'pending' | 'rejected'; status: CertificateState }
  | { situation: 'revoked' }
  | { situation: 'nothing-to-revoke'; email: string }
  | { situation: 'person-not-found'; ref: string }
  | { situation: 'person-exists'; email: string };

export type Outcome<T> = { value: T } | { refusal: RestRefusal };

export const refuse = (refusal: RestRefusal): { refusal: RestRefusal } => ({ refusal });

const CAPABILITY: Partial<Record<RestOperationName, OperationName>> = {
  'smime.enroll': 'enroll',
  'smime.renewByOrder': 'enroll',
  'smime.renewBySerial': 'enroll',
  'smime.replace': 'enroll',
  'smime.collect': 'collect',
  'smime.revokeByOrder': 'revoke',
  'smime.revokeManual': 'revoke',
  'smime.revokeBySerial': 'revokeBySerialNumber',
  'smime.revokeByEmail': 'revokeAllByPerson',
};

/** A REST call as access sees it. */
export const restCall = (operation: RestOperationName): Call => ({ operation, capability: CAPABILITY[operation] });
