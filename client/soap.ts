import { XmlDocument } from 'libxml2-wasm';
import {
  CodecError,
  decodeResponse,
  encodeRequest,
  envelopeParts,
  SoapEncoder,
  isFault,
  readFault,
  wrapperOperation,
  type DecodeOptions,
  type FaultParts,
} from '../wsdl/codec/index.js';
import { contract, type OperationName } from '../wsdl/contract.js';
import type { SchemaModel } from '../wsdl/schema-model.js';
import type { OperationArgs, OperationResults } from '../wsdl/types.js';
import { SAFE_PARSE } from '../wsdl/xml.js';
import { CcmAbortError, CcmFaultError, CcmTransportError } from './errors.js';

/**
 * One SOAP 1.1 exchange with EPKIManager, written and read by the codec (wsdl/codec) from the contract
 * model: the request in the schema's order (unqualified children, wrapper in the configured namespace),
 * the answer leniently (local names, unknown elements ignored, any prefix), values checked by their type.
 * No status-code interpretation here: that is the client's job.
 */

export interface SoapTransportOptions {
  endpoint: string;
  namespace: string;
  /** per-request timeout in ms (default 60 s); 0 disables it */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  /** sees every exchange (diagnostics, the conformance kit's response checks) */
  onExchange?: (exchange: SoapExchange) => void;
}

export interface SoapExchange {
  operation: OperationName;
  endpoint: string;
  requestXml: string;
  httpStatus?: number;
  contentType?: string | null;
  responseText?: string;
  durationMs: number;
  error?: Error;
}

/** Operations whose effect is not safe to repeat: a transport failure leaves their outcome unknown. */
export const NON_IDEMPOTENT: ReadonlySet<OperationName> = new Set([
  'enroll',
  'enrollUsingKUTemplates',
  'revoke',
  'revokeBySerialNumber',
  'revokeAllByPerson',
]);

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** The request envelope for an operation, children in schema order. */
export function requestEnvelope<K extends OperationName>(
  operation: K,
  args: OperationArgs[K],
  namespace: string,
  model: SchemaModel = contract,
): string {
  return encodeRequest(operation, args, { namespace, model });
}

// ---- reading ----

class Unreadable extends Error {}

interface ParsedAnswer {
  fault?: FaultParts;
  /** the <return> value(s), converted by the schema; a list for list results */
  result?: unknown;
}

/** The answer as a live service's client reads it: leniently (local names, any prefix), values checked. */
function parseAnswer(model: SchemaModel, operation: OperationName, text: string): ParsedAnswer {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(text, { option: SAFE_PARSE });
  } catch (err) {
    throw new Unreadable(`the answer is not XML (${(err as Error).message.trim().split('\n')[0]})`);
  }
  try {
    const parts = envelopeParts(doc.root);
    if (!parts)
      throw new Unreadable(`the answer is {${doc.root.namespaceUri}}${doc.root.name}, not a SOAP 1.1 envelope`);
    const payload = parts.payload[0];
    if (!payload) throw new Unreadable('the SOAP body is empty');
    if (isFault(payload)) return { fault: readFault(payload) };
    const options: DecodeOptions = { mode: 'lenient', model };
    if (wrapperOperation(payload, 'response', options)?.name !== operation)
      throw new Unreadable(
        `expected <${model.operations.get(operation)?.outputElement}>, the answer holds <${payload.name}>`,
      );
    return { result: decodeResponse(payload, operation, options) };
  } catch (err) {
    throw err instanceof CodecError ? new Unreadable(err.message) : err;
  } finally {
    doc.dispose();
  }
}

// ---- the exchange ----

export interface CallOptions {
  signal?: AbortSignal;
}

export class SoapTransport {
  readonly endpoint: string;
  readonly namespace: string;
  private readonly fetchImpl: typeof fetch;
  private readonly encoder: SoapEncoder;

  constructor(
    private readonly opts: SoapTransportOptions,
    private readonly model: SchemaModel = contract,
  ) {
    this.endpoint = opts.endpoint;
    this.namespace = opts.namespace;
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.encoder = new SoapEncoder({ namespace: opts.namespace, model });
  }

  /**
   * Send one operation and return its `<return>` value as the schema types it (undefined when absent).
   * Throws CcmFaultError, CcmTransportError or CcmAbortError; never retries.
   */
  async call<K extends OperationName>(
    operation: K,
    args: OperationArgs[K],
    options: CallOptions = {},
  ): Promise<OperationResults[K] | undefined> {
    const requestXml = this.encoder.request(operation, args);
    const started = performance.now();
    const exchange: SoapExchange = { operation, endpoint: this.endpoint, requestXml, durationMs: 0 };
    const report = (error?: Error) => {
      exchange.durationMs = performance.now() - started;
      exchange.error = error;
      this.opts.onExchange?.(exchange);
    };
    const unsafe = NON_IDEMPOTENT.has(operation);

    const timeoutMs = this.opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signals = [options.signal, timeout].filter((s): s is AbortSignal => !!s);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];

    let res: Response;
    let text: string;
    let sent = false;
    try {
      if (options.signal?.aborted) throw options.signal.reason;
      sent = true;
      res = await this.fetchImpl(this.endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: '""',
          Accept: 'text/xml',
          ...this.opts.headers,
        },
        body: requestXml,
        signal,
      });
      text = await res.text();
    } catch (err) {
      const error = this.failure(operation, err, options.signal, timeout, timeoutMs, unsafe, sent);
      report(error);
      throw error;
    }
    exchange.httpStatus = res.status;
    exchange.contentType = res.headers.get('content-type');
    exchange.responseText = text;

    let parsed: ParsedAnswer;
    try {
      parsed = parseAnswer(this.model, operation, text);
    } catch (err) {
      if (!(err instanceof Unreadable)) throw err;
      const error =
        res.status >= 200 && res.status < 300
          ? new CcmTransportError(
              'malformed',
              `${operation}: the answer could not be read: ${err.message}`,
              operation,
              {
                httpStatus: res.status,
                contentType: exchange.contentType,
                bodySnippet: text.slice(0, 500),
                mayHaveReachedService: unsafe,
              },
            )
          : new CcmTransportError(
              'http',
              `${operation}: HTTP ${res.status} ${res.statusText} from ${this.endpoint}${text.trim() ? `: ${snippet(text)}` : ''}`,
              operation,
              {
                httpStatus: res.status,
                contentType: exchange.contentType,
                bodySnippet: text.slice(0, 500),
                mayHaveReachedService: unsafe && res.status >= 500,
              },
            );
      report(error);
      throw error;
    }
    if (parsed.fault) {
      const error = new CcmFaultError(parsed.fault.code, parsed.fault.faultstring, res.status, operation);
      report(error);
      throw error;
    }
    report();
    return parsed.result as OperationResults[K] | undefined;
  }

  private failure(
    operation: OperationName,
    err: unknown,
    userSignal: AbortSignal | undefined,
    timeout: AbortSignal | undefined,
    timeoutMs: number,
    unsafe: boolean,
    sent: boolean,
  ): Error {
    if (userSignal?.aborted)
      return new CcmAbortError(operation, { cause: userSignal.reason, mayHaveReachedService: unsafe && sent });
    if (timeout?.aborted) {
      return new CcmTransportError(
        'timeout',
        `${operation}: no answer from ${this.endpoint} within ${timeoutMs} ms${unsafe ? ' (the request may have been processed: check before repeating it)' : ''}`,
        operation,
        { mayHaveReachedService: unsafe },
        err,
      );
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    return new CcmTransportError(
      'network',
      `${operation}: cannot reach ${this.endpoint}: ${why}`,
      operation,
      { mayHaveReachedService: unsafe && cause?.code !== 'ECONNREFUSED' && cause?.code !== 'ENOTFOUND' },
      err,
    );
  }
}

function snippet(text: string): string {
  const t = text
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > 200 ? t.slice(0, 200) + '...' : t;
}
