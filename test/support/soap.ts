import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { DEFAULT_NAMESPACE, SOAP11_ENVELOPE_NS } from '../../wsdl/contract.js';
import { SchemaValidator } from '../../wsdl/validator.js';
import { elementChildren, escapeXml, SAFE_PARSE } from '../../wsdl/xml.js';

/** Raw SOAP over real HTTP, the way any client sends it: tests build envelopes as text and read answers as XML. */

export const SANDBOX = { login: 'admin', password: 'sandbox', customerLoginUri: 'sandbox' } as const;
export const ORG = { orgId: 1001, secretKey: 'sandbox-secret' } as const;

export type Auth = { login?: string; password?: string; customerLoginUri?: string };

export function xmlEl(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** <authData> with members in the given order (real clients differ: docs/wire-fidelity.md). */
export function authXml(
  auth: Auth = SANDBOX,
  order: (keyof Auth)[] = ['login', 'password', 'customerLoginUri'],
): string {
  return `<authData>${order.map((k) => xmlEl(k, auth[k])).join('')}</authData>`;
}

export function envelope(operation: string, inner = '', namespace = DEFAULT_NAMESPACE): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap-env:Envelope xmlns:soap-env="${SOAP11_ENVELOPE_NS}"><soap-env:Body><ns0:${operation} xmlns:ns0="${escapeXml(namespace)}">${inner}</ns0:${operation}></soap-env:Body></soap-env:Envelope>`;
}

export interface SoapAnswer {
  status: number;
  contentType: string | null;
  text: string;
  /** texts of the <return> elements (scalar results) */
  returns: string[];
  /** the first <return> as a number, for int results */
  code: number;
  /** children of the first <return> by name (collect) */
  fields: Record<string, string>;
  /** the <return> elements, for list results */
  returnElements: Array<Record<string, unknown>>;
  fault?: { code: string; string: string };
  /** schema problems of the response (empty when valid, faults included) */
  schemaProblems: string[];
}

function toObject(el: XmlElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of elementChildren(el)) {
    const value = elementChildren(c).length ? toObject(c) : c.content;
    const prev = out[c.name];
    out[c.name] = prev === undefined ? value : Array.isArray(prev) ? [...(prev as unknown[]), value] : [prev, value];
  }
  return out;
}

export async function post(
  endpoint: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  namespace = DEFAULT_NAMESPACE,
): Promise<SoapAnswer> {
  const res = await fetch(endpoint, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""', ...headers },
  });
  const text = await res.text();
  const answer: SoapAnswer = {
    status: res.status,
    contentType: res.headers.get('content-type'),
    text,
    returns: [],
    code: NaN,
    fields: {},
    returnElements: [],
    schemaProblems: [],
  };
  answer.schemaProblems = SchemaValidator.forNamespace(namespace).envelopeProblems(text);
  let doc: XmlDocument | undefined;
  try {
    doc = XmlDocument.fromString(text, { option: SAFE_PARSE });
    const body = elementChildren(doc.root).find((c) => c.name === 'Body' && c.namespaceUri === SOAP11_ENVELOPE_NS);
    const payload = body && elementChildren(body)[0];
    if (payload?.name === 'Fault') {
      const f = toObject(payload) as Record<string, string>;
      answer.fault = { code: f.faultcode, string: f.faultstring };
    } else if (payload) {
      const rets = elementChildren(payload).filter((c) => c.name === 'return');
      answer.returns = rets.map((r) => r.content);
      answer.returnElements = rets.map(toObject);
      answer.code = Number(answer.returns[0]);
      if (rets[0] && elementChildren(rets[0]).length) {
        answer.fields = Object.fromEntries(elementChildren(rets[0]).map((c) => [c.name, c.content]));
        answer.code = Number(answer.fields.statusCode);
      }
    }
  } catch {
    // not XML: the caller asserts on status/text
  } finally {
    doc?.dispose();
  }
  return answer;
}

/** Call an operation with raw XML children. */
export function call(
  endpoint: string,
  operation: string,
  inner = '',
  namespace = DEFAULT_NAMESPACE,
): Promise<SoapAnswer> {
  return post(endpoint, envelope(operation, inner, namespace), {}, namespace);
}

export interface EnrollFields {
  auth?: Auth;
  orgId?: number | string;
  secretKey?: string;
  username?: string;
  email?: string;
  csr?: string;
  templates?: string[];
}

export function enrollXml(f: EnrollFields): string {
  return (
    authXml(f.auth ?? SANDBOX) +
    xmlEl('orgId', f.orgId ?? ORG.orgId) +
    xmlEl('secretKey', f.secretKey ?? ORG.secretKey) +
    xmlEl('username', f.username ?? 'Alice Example') +
    xmlEl('email', f.email ?? 'alice@example.com') +
    xmlEl('csr', f.csr) +
    (f.templates ?? []).map((t) => `<kuTemplate>${xmlEl('shortName', t)}</kuTemplate>`).join('')
  );
}

export function orderXml(orderNumber: number | string, auth: Auth = SANDBOX, extra = ''): string {
  return authXml(auth) + xmlEl('orderNumber', orderNumber) + extra;
}
