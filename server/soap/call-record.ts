import type { OperationName } from '../../wsdl/contract.js';

/**
 * One answered SOAP call, for the journal and the logs. A module of its own so the admin handle's types (part of the
 * package's public surface) reach it without the endpoint's express types.
 */
export interface SoapCallRecord {
  at: number;
  operation?: OperationName;
  /** the customer the call authenticated as; undefined when its authData did not authenticate */
  customerUri?: string;
  orderNumber?: number;
  /** the status code answered, for operations that answer one */
  code?: number;
  fault?: string;
  httpStatus: number;
  latencyMs: number;
}
