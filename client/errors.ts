import type { OperationName } from '../wsdl/contract.js';
import { statusEntry, statusSource, statusText, type CodeSource } from '../wsdl/status-codes.js';

/**
 * What can go wrong calling EPKIManager, as distinct classes so callers branch on `instanceof`:
 *   CcmStatusError     the service answered a negative status code (HTTP 200, the normal error path)
 *   CcmFaultError      the service answered a SOAP Fault (HTTP 500 from the SOAP stack, or a fault at any status)
 *   CcmTransportError  no usable answer: network failure, request timeout, an HTTP error page, unreadable XML
 *   CcmAbortError      the caller's AbortSignal fired
 *   CcmWaitTimeoutError  enrollAndCollect / waitForCertificate ran out of time while the order was still processing
 * Texts of status codes come from the catalog (wsdl/status-codes.ts), never a copy.
 */

export abstract class CcmError extends Error {
  /** the operation that failed */
  readonly operation?: OperationName;
  /** the order concerned, when the failure happened after an order number was known */
  orderNumber?: number;

  protected constructor(
    message: string,
    operation?: OperationName,
    options?: { cause?: unknown; orderNumber?: number },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.operation = operation;
    this.orderNumber = options?.orderNumber;
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
    operation?: OperationName,
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
    operation?: OperationName,
    options?: { cause?: unknown; orderNumber?: number; mayHaveReachedService?: boolean },
  ) {
    super(
      `${operation ?? 'the request'} was aborted${options?.orderNumber ? ` (order ${options.orderNumber})` : ''}${options?.mayHaveReachedService ? ' after it was sent: it may have been carried out' : ''}`,
      operation,
      options,
    );
    this.details = options?.mayHaveReachedService ? { mayHaveReachedService: true } : {};
  }
}

export class CcmWaitTimeoutError extends CcmError {
  constructor(
    orderNumber: number,
    /** polls answered */
    readonly polls: number,
    readonly waitedMs: number,
    /** the last status a poll answered (0 while processing); undefined when the wait ended before any answer */
    readonly lastCode: number | undefined,
    /** set when the wait ended during a poll: that poll got no answer within the wait */
    cutShort?: { poll: number; waitText: string },
  ) {
    super(
      cutShort
        ? `order ${orderNumber}: no answer came to poll ${cutShort.poll} within the wait (${cutShort.waitText}); collect it later with its order number`
        : `order ${orderNumber} was still being processed after ${Math.round(waitedMs / 1000)} s (${polls} polls); collect it later with its order number`,
      'getCollectStatus',
      { orderNumber },
    );
  }
}

/** `err` is a CcmStatusError with the given code (use the catalog's names: `isStatus(err, Status.REVOKED)`). */
export function isStatus(err: unknown, code: number): err is CcmStatusError {
  return err instanceof CcmStatusError && err.code === code;
}
