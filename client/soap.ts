import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { contract, SOAP11_ENVELOPE_NS, XSI_NS, type OperationName } from '../wsdl/contract.js';
import type { ElementDecl, SchemaModel } from '../wsdl/schema-model.js';
import type { OperationArgs, OperationResults } from '../wsdl/types.js';
import { SAFE_PARSE } from '../wsdl/validator.js';
import { elementChildren, escapeXml } from '../wsdl/xml.js';
import { CcmAbortError, CcmFaultError, CcmTransportError } from './errors.js';

/**
 * One SOAP 1.1 exchange with EPKIManager, driven by the contract model: the request is written in the
 * schema's order (unqualified children, wrapper in the configured namespace), the answer is read by
 * local names, leniently (unknown elements ignored, any prefix), as a JAX-WS client would.
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

// ---- writing ----

function writeChildren(model: SchemaModel, typeName: string, value: Record<string, unknown>, out: string[]): void {
  for (const decl of model.childrenOf(typeName)) {
    const v = value[decl.name];
    if (v === undefined || v === null) continue;
    const items = decl.maxOccurs > 1 && Array.isArray(v) ? v : [v];
    for (const item of items) writeValue(model, decl, item, out);
  }
}

function writeValue(model: SchemaModel, decl: ElementDecl, value: unknown, out: string[]): void {
  if (decl.type.kind === 'builtin') {
    out.push(`<${decl.name}>${escapeXml(String(value))}</${decl.name}>`);
  } else {
    out.push(`<${decl.name}>`);
    writeChildren(model, decl.type.name, value as Record<string, unknown>, out);
    out.push(`</${decl.name}>`);
  }
}

/** The request envelope for an operation, children in schema order. */
export function requestEnvelope<K extends OperationName>(
  operation: K,
  args: OperationArgs[K],
  namespace: string,
  model: SchemaModel = contract,
): string {
  const op = model.operations.get(operation)!;
  const type = model.elements.get(op.inputElement)!;
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${SOAP11_ENVELOPE_NS}"><soap:Body>`,
    `<ns0:${op.inputElement} xmlns:ns0="${escapeXml(namespace)}">`,
  ];
  writeChildren(model, type.name, args as Record<string, unknown>, out);
  out.push(`</ns0:${op.inputElement}></soap:Body></soap:Envelope>`);
  return out.join('');
}

// ---- reading ----

class Unreadable extends Error {}

const INTEGER_TYPES = new Set([
  'int',
  'integer',
  'long',
  'short',
  'byte',
  'unsignedInt',
  'unsignedShort',
  'unsignedByte',
  'nonNegativeInteger',
  'positiveInteger',
  'negativeInteger',
  'nonPositiveInteger',
]);

function isNil(el: XmlElement): boolean {
  const nil = el.attrs.find((a) => a.name === 'nil' && a.namespaceUri === XSI_NS)?.value.trim();
  return nil === 'true' || nil === '1';
}

function readValue(model: SchemaModel, decl: ElementDecl, el: XmlElement): unknown {
  if (isNil(el)) return undefined;
  if (decl.type.kind === 'builtin') {
    const text = el.content;
    if (INTEGER_TYPES.has(decl.type.name)) {
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t))
        throw new Unreadable(
          `<${decl.name}> should be an xs:${decl.type.name}, got ${JSON.stringify(text.slice(0, 40))}`,
        );
      return Number(t);
    }
    if (decl.type.name === 'boolean') return text.trim() === 'true' || text.trim() === '1';
    return text;
  }
  return readObject(model, decl.type.name, el);
}

function readObject(model: SchemaModel, typeName: string, el: XmlElement): Record<string, unknown> {
  const decls = new Map(model.childrenOf(typeName).map((d) => [d.name, d]));
  const out: Record<string, unknown> = {};
  for (const child of elementChildren(el)) {
    const decl = decls.get(child.name);
    if (!decl) continue; // unknown elements: ignored, as JAXB does
    const value = readValue(model, decl, child);
    if (value === undefined) continue;
    if (decl.maxOccurs > 1) ((out[decl.name] ??= []) as unknown[]).push(value);
    else out[decl.name] = value;
  }
  for (const decl of decls.values())
    if (decl.maxOccurs > 1 && out[decl.name] === undefined && decl.type.kind === 'complex') out[decl.name] = [];
  return out;
}

interface ParsedAnswer {
  fault?: { code: string; string: string };
  /** the <return> value(s), converted by the schema; a list for list results */
  result?: unknown;
}

function parseAnswer(model: SchemaModel, operation: OperationName, text: string): ParsedAnswer {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(text, { option: SAFE_PARSE });
  } catch (err) {
    throw new Unreadable(`the answer is not XML (${(err as Error).message.trim().split('\n')[0]})`);
  }
  try {
    const env = doc.root;
    if (env.name !== 'Envelope' || env.namespaceUri !== SOAP11_ENVELOPE_NS)
      throw new Unreadable(`the answer is {${env.namespaceUri}}${env.name}, not a SOAP 1.1 envelope`);
    const body = elementChildren(env).find((c) => c.name === 'Body' && c.namespaceUri === SOAP11_ENVELOPE_NS);
    const payload = body && elementChildren(body)[0];
    if (!payload) throw new Unreadable('the SOAP body is empty');
    if (payload.name === 'Fault' && payload.namespaceUri === SOAP11_ENVELOPE_NS) {
      const part = (n: string) =>
        elementChildren(payload)
          .find((c) => c.name === n)
          ?.content.trim() ?? '';
      const code = part('faultcode');
      return { fault: { code: code.slice(code.indexOf(':') + 1), string: part('faultstring') } };
    }
    const op = model.operations.get(operation)!;
    if (payload.name !== op.outputElement)
      throw new Unreadable(`expected <${op.outputElement}>, the answer holds <${payload.name}>`);
    const outputType = model.elements.get(op.outputElement)!;
    const decl = model.childrenOf(outputType.name).find((d) => d.name === 'return');
    if (!decl) return {};
    const returns = elementChildren(payload).filter((c) => c.name === 'return');
    if (decl.maxOccurs > 1)
      return { result: returns.map((r) => readValue(model, decl, r)).filter((v) => v !== undefined) };
    return { result: returns.length ? readValue(model, decl, returns[returns.length - 1]) : undefined };
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

  constructor(
    private readonly opts: SoapTransportOptions,
    private readonly model: SchemaModel = contract,
  ) {
    this.endpoint = opts.endpoint;
    this.namespace = opts.namespace;
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
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
    const requestXml = requestEnvelope(operation, args, this.namespace, this.model);
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
      const error = new CcmFaultError(parsed.fault.code, parsed.fault.string, res.status, operation);
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
