import {
  restStatusesOf,
  restStatusFor,
  type RestOperationName,
  type RestStatusName,
  type RevokedCollectCode,
} from '../../wsdl/rest/index.js';
import type { RestRefusal } from '../domain/rest-service.js';
import { failure, type RestFailure } from './errors.js';

/**
 * The REST catalog's answer to each situation the domain reports. Where one situation means different things to
 * different operations (an order not issued yet: collect says "not collectable", revoke "only issued
 * certificates", renew "error while renewing"), the operation picks.
 */

type CsrProblem = Extract<RestRefusal, { situation: 'csr-rejected' }>['problem'];

const CSR_CODES: Record<CsrProblem, RestStatusName> = {
  'not-base64': 'CSR_NOT_BASE64',
  undecodable: 'CSR_DECODING_ERROR',
  'unsupported-algorithm': 'CSR_UNSUPPORTED_ALGORITHM',
  'unsupported-key-size': 'CSR_UNSUPPORTED_KEY_SIZE',
  'bad-signature': 'INVALID_CSR',
  'bad-country': 'INVALID_CSR',
};

const RENEWS: readonly RestOperationName[] = ['smime.renewByOrder', 'smime.renewBySerial', 'smime.replace'];

export interface OutcomeSettings {
  /** the wire profile's restRevokedCollectCode */
  revokedCollectCode: RevokedCollectCode;
}

export function failureFor(refusal: RestRefusal, operation: RestOperationName, settings: OutcomeSettings): RestFailure {
  switch (refusal.situation) {
    case 'unauthenticated':
      return failure('UNKNOWN_USER');
    case 'forbidden':
      return failure('NOT_AUTHORIZED', refusal.operation);
    case 'injected': {
      const entry = restStatusFor(refusal.code, operation) ?? restStatusesOf(refusal.code)[0];
      return entry ? { entry, details: 'injected by ccm-mock (fault injection)' } : failure('INTERNAL_ERROR');
    }
    case 'permission-denied':
      return failure('ACCESS_DENIED');
    case 'organization-suspended':
      return failure('ORGANIZATION_NOT_ALLOWED', refusal.org.name, 'the organization is suspended');
    case 'scripted-failure':
      return failure('UNKNOWN_ERROR', undefined, 'the +fail14 tag of the order');
    case 'order-not-found':
      return failure('INVALID_ORDER_NUMBER', refusal.ref ?? '');
    case 'missing-field':
      return failure('REQUIRED_FIELD_MISSING', refusal.field);
    case 'invalid-field':
      return failure('INVALID_FIELD', refusal.field, refusal.details);
    case 'organization-not-found':
      return failure('ORGANIZATION_NOT_FOUND', refusal.id);
    case 'domain-not-allowed':
      return failure('DOMAIN_NOT_ALLOWED', refusal.domain);
    case 'csr-rejected':
      return failure(CSR_CODES[refusal.problem], undefined, refusal.details);
    case 'key-not-allowed':
      return failure(
        refusal.what === 'algorithm' ? 'CSR_UNSUPPORTED_ALGORITHM' : 'PROFILE_KEY_SIZE',
        undefined,
        refusal.details,
      );
    case 'profile-not-found':
      return failure('PROFILE_NOT_FOUND', refusal.id);
    case 'profile-not-available':
      return failure('PROFILE_INVALID', undefined, `profile ${refusal.id} is not given to the organization`);
    case 'term-invalid':
      return failure('TERM_INVALID', undefined, `term ${refusal.term}`);
    case 'custom-field-missing':
      return failure('MANDATORY_CUSTOM_FIELD', undefined, refusal.name);
    case 'custom-field-unknown':
      return failure('CUSTOM_FIELD_NOT_FOUND', undefined, refusal.name);
    case 'certificate-not-found':
      return failure('CERTIFICATE_NOT_FOUND', refusal.ref);
    case 'not-issued':
      if (operation === 'smime.collect')
        return failure(refusal.state === 'pending' ? 'NOT_COLLECTABLE' : 'NOT_AVAILABLE', undefined, refusal.status);
      if (RENEWS.includes(operation)) return failure('RENEW_FAILED', refusal.status);
      return failure('ONLY_ISSUED_REVOCABLE', undefined, refusal.status);
    case 'revoked':
      if (operation === 'smime.collect')
        return failure(settings.revokedCollectCode === -192 ? 'REVOKED_PYTHON_CERT_MANAGER' : 'REVOKED');
      if (RENEWS.includes(operation)) return failure('RENEW_FAILED', 'revoked');
      return failure('ALREADY_REVOKED');
    case 'nothing-to-revoke':
      return failure('NO_VALID_CERTIFICATES', refusal.email);
    case 'person-not-found':
      return failure('PERSON_NOT_FOUND', undefined, refusal.ref);
    case 'person-exists':
      return failure('INVALID_FIELD', 'email', 'a person with this email exists already');
  }
}
