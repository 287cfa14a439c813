import type { OperationName } from '../wsdl/contract.js';
import {
  REST_STATUS_CODES,
  type RestCodeSource,
  type RestOperationName,
  type RestStatusEntry,
} from '../wsdl/rest/index.js';
import { statusEntry, statusSource, statusText, type CodeSource } from '../wsdl/status-codes.js';

/**
 * What can go wrong calling CCM (EPKIManager over SOAP, or the REST API), as distinct classes so callers branch
 * on `instanceof`:
 *   CcmStatusError     SOAP: the service answered a negative status code (HTTP 200, the normal error path)
 *   CcmRestStatusError REST: the service answered an error body {"code": <negative>, "description": ...}
 *   CcmFaultError      SOAP: the service answered a SOAP Fault (HTTP 500 from the SOAP stack, or a fault at any status)
 *   CcmTransportError  no usable answer: network failure, request timeout, an HTTP error page, an unreadable answer
 *   CcmAbortError      the caller's AbortSignal fired
 *   CcmWaitTimeoutError  enrollAndCollect / waitForCertificate ran out of time while the order was still processing
 * Texts of status codes come from the catalogs (wsdl/status-codes.ts, wsdl/rest/status-codes.ts), never a copy.
 */

/** A SOAP operation (`enroll`) or a REST one (`smime.enroll`): the names never overlap. */
export type ClientOperation = OperationName | RestOperationName;

export abstract class CcmError extends Error {
  /** the operation that failed */
  readonly operation?: ClientOperation;
  /** the order concerned, when the failure happened after an order number was known */
  orderNumber?: number;
  /** REST: the certificate's backendCertId, when the failure concerns one */
  backendCertId?: string;

  protected constructor(
    message: string,
    operation?: ClientOperation,
    options?: { cause?: unknown; orderNumber?: number; backendCertId?: string },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.operation = operation;
    this.orderNumber = options?.orderNumber;
    if (options?.backendCertId !== undefined) this.backendCertId = options.backendCertId;
  }
}

export class CcmStatusError extends CcmError {
  declare readonly operation: OperationName;
  /** symbolic name from the catalog (e.g. REVOKED), undefined for a code the catalog does not know */
  readonly status?: string;
  /** the catalog's text for this code as this operation documents it */
  readonly meaning: string;
  /** 'guide' when the guide documents the code for this operation, 'ccm-mock' for a documented choice, undefined when the catalog does not list it */
  readonly source?: CodeSource;

  constructor(
    readonly code: number,
    operation: OperationName,
    options?: { orderNumber?: number },
  ) {
    const entry = statusEntry(code);
    const meaning = entry?.operations.includes(operation)
      ? statusText(code, operation)
      : entry
        ? `${statusText(code)} (a code the catalog does not list for ${operation})`
        : `unknown status code ${code}`;
    super(`${operation} answered ${code}: ${meaning}`, operation, options);
    this.status = entry?.name;
    this.meaning = meaning;
    this.source = statusSource(code, operation);
  }

  /** true for a code the catalog documents for this operation */
  get documented(): boolean {
    return statusEntry(this.code)?.operations.includes(this.operation) ?? false;
  }
}

/**
 * The entry of the REST catalog an answer matches: the code as this operation (or any request, for the HTTP
 * layer's codes) documents it, the one with the answer's HTTP status first (-1 and -105 have several entries).
 */
export function restCatalogEntry(
  code: number,
  operation: RestOperationName,
  httpStatus?: number,
): RestStatusEntry | undefined {
  const listed = REST_STATUS_CODES.filter(
    (e) => e.code === code && (e.operations.includes(operation) || e.operations.length === 0),
  );
  return listed.find((e) => e.http === httpStatus) ?? listed[0];
}

export class CcmRestStatusError extends CcmError {
  declare readonly operation: RestOperationName;
  /** symbolic name from the REST catalog (e.g. NOT_COLLECTABLE), undefined for a code it does not list here */
  readonly status?: string;
  /** the catalog's description for this code (its `{0}` shown as `…`), or why there is none */
  readonly meaning: string;
  /** where the catalog has the code from (the vendor's docs, the public clients, ccm-mock's choice) */
  readonly source?: RestCodeSource;
  /** the HTTP status the catalog answers this code with, when it lists the code for the operation */
  readonly expectedHttpStatus?: number;
  /** OAS's optional `details` */
  readonly details?: string;

  constructor(
    readonly code: number,
    /** the description the service sent */
    readonly description: string,
    readonly httpStatus: number,
    operation: RestOperationName,
    options?: { backendCertId?: string; details?: string },
  ) {
    const entry = restCatalogEntry(code, operation, httpStatus);
    const elsewhere = entry ? undefined : REST_STATUS_CODES.find((e) => e.code === code);
    const meaning = entry
      ? entry.description.replace('{0}', '…')
      : elsewhere
        ? `${elsewhere.description.replace('{0}', '…')} (a code the catalog does not list for ${operation})`
        : `unknown status code ${code}`;
    super(`${operation} answered ${code} (HTTP ${httpStatus}): ${description || meaning}`, operation, options);
    this.status = entry?.name;
    this.meaning = meaning;
    this.source = entry?.source;
    this.expectedHttpStatus = entry?.http;
    if (options?.details !== undefined) this.details = options.details;
  }

  /** true for a code the catalog documents for this operation */
  get documented(): boolean {
    return this.status !== undefined;
  }
}

export class CcmFaultError extends CcmError {
  constructor(
    /** local part of faultcode: Client, Server, VersionMismatch, MustUnderstand */
    readonly faultCode: string,
    readonly faultString: string,
    readonly httpStatus: number,
    operation?: OperationName,
  ) {
    super(
      `${operation ?? 'request'} failed with SOAP fault ${faultCode} (HTTP ${httpStatus}): ${faultString}`,
      operation,
    );
  }
}

export type TransportFailure = 'network' | 'timeout' | 'http' | 'malformed';

export class CcmTransportError extends CcmError {
  constructor(
    readonly kind: TransportFailure,
    message: string,
    operation?: ClientOperation,
    readonly details: {
      httpStatus?: number;
      contentType?: string | null;
      /** the start of the body that could not be understood */
      bodySnippet?: string;
      /**
       * true when the request may have reached the service: for enroll and revoke the caller must check
       * (getCollectStatus, collect) before calling again; the client never resends them itself
       */
      mayHaveReachedService?: boolean;
    } = {},
    cause?: unknown,
  ) {
    super(message, operation, { cause });
  }
}

export class CcmAbortError extends CcmError {
  /** as CcmTransportError's: true when an enroll or revoke was already on its way, so it may have been carried out */
  readonly details: { mayHaveReachedService?: boolean };

  constructor(
    operation?: ClientOperation,
    options?: { cause?: unknown; orderNumber?: number; backendCertId?: string; mayHaveReachedService?: boolean },
  ) {
    const order = options?.orderNumber ?? options?.backendCertId;
    super(
      `${operation ?? 'the request'} was aborted${order ? ` (order ${order})` : ''}${options?.mayHaveReachedService ? ' after it was sent: it may have been carried out' : ''}`,
      operation,
      options,
    );
    this.details = options?.mayHaveReachedService ? { mayHaveReachedService: true } : {};
  }
}

/** What a wait was for: a SOAP order number, or a REST certificate's backendCertId. */
export type WaitSubject = number | { backendCertId: string };

export class CcmWaitTimeoutError extends CcmError {
  constructor(
    subject: WaitSubject,
    /** polls answered */
    readonly polls: number,
    readonly waitedMs: number,
    /** the last status a poll answered (SOAP 0, REST -183 while processing); undefined when none was answered */
    readonly lastCode: number | undefined,
    /** set when the wait ended during a poll: that poll got no answer within the wait */
    cutShort?: { poll: number; waitText: string },
  ) {
    const rest = typeof subject === 'object';
    const order = rest ? subject.backendCertId : subject;
    const later = `collect it later with its ${rest ? 'backendCertId' : 'order number'}`;
    super(
      cutShort
        ? `order ${order}: no answer came to poll ${cutShort.poll} within the wait (${cutShort.waitText}); ${later}`
        : `order ${order} was still being processed after ${Math.round(waitedMs / 1000)} s (${polls} polls); ${later}`,
      rest ? 'smime.collect' : 'getCollectStatus',
      rest ? { backendCertId: subject.backendCertId } : { orderNumber: subject },
    );
  }
}

/** `err` is a CcmStatusError with the given code (use the catalog's names: `isStatus(err, Status.REVOKED)`). */
export function isStatus(err: unknown, code: number): err is CcmStatusError {
  return err instanceof CcmStatusError && err.code === code;
}

/** `err` is a CcmRestStatusError with the given code (`isRestStatus(err, restStatus('NOT_COLLECTABLE').code)`). */
export function isRestStatus(err: unknown, code: number): err is CcmRestStatusError {
  return err instanceof CcmRestStatusError && err.code === code;
}
