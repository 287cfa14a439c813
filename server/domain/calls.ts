import type { AnyOperation } from './access.js';
import type { Api } from './orders.js';

/**
 * One answered call of either API, as its front end reports it (to the journal and the log): what was called,
 * for whom, what it answered. Built from known fields only: the log line it becomes skips redaction.
 */
export interface CallRecord {
  api: Api;
  /** real time (the journal stamps the mock's) */
  at: number;
  operation?: AnyOperation;
  /** the customer the call authenticated as; undefined when it did not authenticate */
  customerUri?: string;
  orderNumber?: number;
  /** the status code answered (SOAP: for operations that answer one; REST: an error's code) */
  code?: number;
  fault?: string;
  httpStatus: number;
  latencyMs: number;
}
