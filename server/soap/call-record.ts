import type { OperationName } from '../../wsdl/contract.js';
import type { CallRecord } from '../domain/calls.js';

/**
 * One answered SOAP call, for the journal and the logs. A module of its own so the admin handle's types (part of the
 * package's public surface) reach it without the endpoint's express types.
 */
export interface SoapCallRecord extends CallRecord {
  api: 'soap';
  operation?: OperationName;
}
