import { createHash, randomBytes } from 'node:crypto';
import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import { parseCollectedCertificate } from '../../client/certificate.js';
import type { DriftItem } from '../../client/conformance/drift.js';
import {
  CodecError,
  decodeResponse,
  envelopeParts,
  isFault,
  payloadElement,
  readFault,
  wrapperOperation,
} from '../../wsdl/codec/index.js';
import { contract, type OperationName } from '../../wsdl/contract.js';
import type { SchemaModel } from '../../wsdl/schema-model.js';
import { statusSource } from '../../wsdl/status-codes.js';
import type { KUTemplate, SMIMECollectResponse } from '../../wsdl/types.js';
import { SchemaValidator } from '../../wsdl/validator.js';
import { elementChildren, SAFE_PARSE } from '../../wsdl/xml.js';
import type { CertificateFormat } from '../ca/bundle.js';
import type { MockConfig } from '../config.js';
import { extKeyUsageName, keyUsageLabel } from '../domain/accounts.js';
import type { ProfileSettingName } from '../profile-file.js';
import { SoapFault } from '../soap/fault.js';
import { requestCharset, type Charset } from '../soap/charset.js';
import type { RequestReader } from '../soap/request.js';
import { MAX_EXCERPT, type FindingInput } from './findings.js';
import { headerText, type Exchange } from './http.js';
import { UNREADABLE_NOTE } from './redaction.js';

/**
 * Checking an exchange against the contract and the mock's wire profile, both directions, with the codec and
 * the validator the server and the kit use: what differs becomes findings (findings.ts), and what the exchange
 * shows about a wire-profile setting becomes an observation for the learned profile (learner.ts). The mock's
 * own reading of the request (server/soap/request.ts) says what the mock would have answered where that does
 * not depend on its accounts and orders: the faults Metro answers before any business rule.
 *
 * Messages are parsed from their real bytes (a certificate's format and validity need them); every text that
 * goes into a finding passes the exchange's scrub first, so no redacted value reaches the report.
 */

/** The wire profile the upstream is compared with: the mock's, as `ccm-mock serve` would run with these keys. */
export type ExpectedProfile = Pick<
  MockConfig,
  'namespace' | 'certificateFormat' | 'strict' | 'acceptUriAlias' | 'serviceInfo' | 'validityDays'
>;

export type Observation = [ProfileSettingName, unknown];

export interface Analysed {
  findings: FindingInput[];
  observations: Observation[];
  /** the messages could not be analysed (not inflatable, too large, unreadable) */
  skipped: boolean;
}

export interface AnalysisContext {
  expected: ExpectedProfile;
  /**
   * The mock's reading of a request in a namespace (the expected one, or the upstream's once known: so a
   * namespace difference, reported once, does not turn every fault comparison into a dispatch fault), as
   * configured and leniently (strict off).
   */
  readers: (namespace: string) => { configured: RequestReader; lenient: RequestReader };
  /** removes the exchange's redacted values from a text */
  scrub: (text: string) => string;
  /** the namespaces whose schema a message is validated with (the expected one, and the upstream's once known) */
  validatable: (namespace: string) => boolean;
  credentials: AcceptedCredentials;
  certificates: CertificateFacts;
}

/** Metro's spelling, which the mock writes. */
const METRO = {
  contentType: 'text/xml;charset=utf-8',
  declaration: "<?xml version='1.0' encoding='UTF-8'?>",
  envelopePrefix: 'S',
  payloadPrefix: 'ns2',
} as const;

/** The certificate formats the client reads, as the mock's certificateFormat setting (none for a PEM PKCS7 block). */
const FORMAT_SETTING: Record<string, CertificateFormat | undefined> = {
  pkcs7: 'pkcs7',
  x509: 'x509',
  pem: 'pem-chain',
  'pkcs7-pem': undefined,
};

const DAY_MS = 86_400_000;
/** Distinct accepted credentials remembered for the URI-alias evidence (salted hashes, never written). */
const MAX_CREDENTIALS = 1024;

/**
 * Salted hashes of credentials the upstream accepted with customerLoginUri, in memory only: a request that
 * names the customer with <URI> alone and is refused (-100) says "no alias" only if the same credentials were
 * accepted the usual way. Bounded; forgotten at exit.
 */
export class AcceptedCredentials {
  private readonly salt = randomBytes(16);
  private readonly seen = new Set<string>();

  private key(login: string, password: string, customer: string): string {
    return createHash('sha256')
      .update(this.salt)
      .update(JSON.stringify([login, password, customer]))
      .digest('base64');
  }

  remember(login: string, password: string, customer: string): void {
    if (this.seen.size >= MAX_CREDENTIALS) this.seen.delete(this.seen.values().next().value!);
    this.seen.add(this.key(login, password, customer));
  }

  known(login: string, password: string, customer: string): boolean {
    return this.seen.has(this.key(login, password, customer));
  }
}

/** Distinct certificates whose facts are kept (a polled order's collect answers the same one again and again). */
const MAX_CERTIFICATES = 256;

/**
 * What a collected certificate shows (its format, the leaf's validity), read once per distinct certificate:
 * reading a PKCS#7 bundle costs milliseconds, and clients poll collect. Keyed by a hash of the text, bounded.
 */
export class CertificateFacts {
  private readonly known = new Map<string, { format: string; days: number } | { error: string }>();

  of(certificate: string): { format: string; days: number } | { error: string } {
    const key = createHash('sha256').update(certificate).digest('base64');
    let facts = this.known.get(key);
    if (!facts) {
      try {
        const parsed = parseCollectedCertificate(certificate);
        const days = Math.round((parsed.leaf.notAfter.getTime() - parsed.leaf.notBefore.getTime()) / DAY_MS);
        facts = { format: parsed.format, days };
      } catch (err) {
        facts = { error: (err as Error).message };
      }
      if (this.known.size >= MAX_CERTIFICATES) this.known.delete(this.known.keys().next().value!);
      this.known.set(key, facts);
    }
    return facts;
  }
}

/** The operations whose answer is a status code, and where it is. */
function statusCodeOf(op: string, result: unknown): number | undefined {
  if (op === 'collect') return (result as SMIMECollectResponse | undefined)?.statusCode;
  if (['getKUTemplates', 'getWebServiceInfo'].includes(op)) return undefined;
  return typeof result === 'number' ? result : undefined;
}

const qname = (el: XmlElement) => `{${el.namespaceUri}}${el.name}`;

/** One line of a parser's or validator's complaint. */
const firstLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? text;

/** The payload of a redacted message (none for an unreadable one). */
export const payloadOf = (text: string | undefined) =>
  text === undefined || text === UNREADABLE_NOTE ? undefined : payloadElement(text);

/** A redacted message's payload, cut to an excerpt's length. */
function excerptOf(text: string | undefined): string | undefined {
  const at = payloadOf(text);
  return at && text!.slice(at.start, Math.min(at.end, at.start + MAX_EXCERPT + 1));
}

class Collector {
  readonly findings: FindingInput[] = [];
  readonly observations: Observation[] = [];
  private readonly excerpts: { request?: string; response?: string };

  constructor(
    private readonly scrub: (text: string) => string,
    texts: { request?: string; response?: string },
    private readonly operation: () => string | undefined,
  ) {
    this.excerpts = { request: excerptOf(texts.request), response: excerptOf(texts.response) };
  }

  /** `perOperation: false` for what does not depend on the operation (a namespace): one finding for all */
  add(f: Omit<FindingInput, 'operation' | 'excerpt'> & { excerpt?: boolean; perOperation?: boolean }): void {
    const s = (t: string | undefined) => (t === undefined ? undefined : this.scrub(t));
    const excerpt =
      f.excerpt === false ? undefined : f.direction === 'request' ? this.excerpts.request : this.excerpts.response;
    this.findings.push({
      class: f.class,
      direction: f.direction,
      ...(f.perOperation === false ? {} : { operation: this.operation() }),
      summary: this.scrub(f.summary),
      ...(f.mock !== undefined ? { mock: s(f.mock) } : {}),
      ...(f.upstream !== undefined ? { upstream: s(f.upstream) } : {}),
      ...(f.fix !== undefined ? { fix: f.fix } : {}),
      ...(excerpt ? { excerpt } : {}),
    });
  }

  observe(name: ProfileSettingName, value: unknown): void {
    this.observations.push([name, value]);
  }
}

/** Elements under `el` that its schema type does not declare, or that are namespace-qualified (Metro reads children unqualified). */
function undeclared(
  el: XmlElement,
  typeName: string,
  path: string,
  out: Array<{ path: string; name: string; namespace: string }>,
): void {
  let decls;
  try {
    decls = new Map(contract.childrenOf(typeName).map((d) => [d.name, d]));
  } catch {
    return;
  }
  for (const child of elementChildren(el)) {
    const decl = decls.get(child.name);
    if (!decl || child.namespaceUri !== '') {
      out.push({ path, name: child.name, namespace: child.namespaceUri });
      continue;
    }
    if (decl.type.kind === 'complex') undeclared(child, decl.type.name, `${path} > ${child.name}`, out);
  }
}

function wrapperTypeName(element: string): string | undefined {
  const ref = contract.elements.get(element);
  return ref?.kind === 'complex' ? ref.name : undefined;
}

/** `charset`: the Content-Type's, which decodes the bytes and overrides the XML declaration, as Metro reads them. */
function parse(bytes: Buffer, charset?: Charset): XmlDocument | string {
  try {
    return charset
      ? XmlDocument.fromBuffer(Buffer.from(charset.decode(bytes), 'utf8'), { option: SAFE_PARSE, encoding: 'utf-8' })
      : XmlDocument.fromBuffer(bytes, { option: SAFE_PARSE });
  } catch (err) {
    return firstLine((err as Error).message);
  }
}

interface RequestFacts {
  operation?: OperationName;
  /** the wrapper's namespace */
  namespace?: string;
  /** the schema refuses the payload (order, occurrence, an unknown element) */
  invalid: boolean;
  /** ... and the mock's lenient reading (JAXB's) takes it: the strictness evidence */
  lenientOnly?: boolean;
  /**
   * a SOAP 1.1 request without a Header or DTD whose payload the schema of its (validatable) namespace accepts:
   * one the mock's reader takes, so it need not be asked
   */
  plainAndValid?: boolean;
  /** authData's members as sent */
  auth: Record<string, string>;
}

function analyseRequest(
  ctx: AnalysisContext,
  c: Collector,
  facts: RequestFacts,
  request: Buffer | undefined,
  charset: Charset | undefined,
): void {
  if (!request) return;
  const doc = parse(request, charset);
  if (typeof doc === 'string') {
    c.add({ class: 'schema', direction: 'request', summary: `the request is not well-formed XML: ${doc}` });
    return;
  }
  try {
    const parts = envelopeParts(doc.root);
    const payload = parts?.payload[0];
    if (!parts || !payload) {
      c.add({
        class: 'schema',
        direction: 'request',
        summary: parts
          ? 'the request has no payload in its SOAP Body'
          : `the request is not a SOAP 1.1 Envelope: ${qname(doc.root)}`,
      });
      return;
    }
    const op = wrapperOperation(payload, 'request', { mode: 'lenient' });
    if (!op) {
      c.add({
        class: 'unknown-element',
        direction: 'request',
        summary: `request wrapper ${qname(payload)} is no operation of the contract`,
      });
      return;
    }
    facts.operation = op.name as OperationName;
    facts.namespace = payload.namespaceUri;
    if (payload.namespaceUri !== ctx.expected.namespace)
      c.add({
        class: 'namespace',
        direction: 'request',
        summary: "the request wrapper's namespace",
        mock: ctx.expected.namespace,
        upstream: payload.namespaceUri,
        fix: NAMESPACE_FIX(payload.namespaceUri),
        perOperation: false,
      });
    const authData = elementChildren(payload).find((e) => e.name === 'authData');
    for (const m of authData ? elementChildren(authData) : []) facts.auth[m.name] = m.content;

    const stray: Array<{ path: string; name: string; namespace: string }> = [];
    undeclared(payload, wrapperTypeName(op.inputElement) ?? '', op.name, stray);
    for (const s of stray) {
      if (s.path.endsWith('authData') && s.name === 'URI' && s.namespace === '') continue; // the alias: its own finding
      c.add(
        s.namespace
          ? {
              class: 'shape',
              direction: 'request',
              summary: `${s.path} > ${s.name} is namespace-qualified ({${s.namespace}}); Metro reads children unqualified, so the mock ignores it`,
            }
          : { class: 'unknown-element', direction: 'request', summary: `${s.path} > ${s.name} is not in the schema` },
      );
    }
    if (ctx.validatable(payload.namespaceUri)) {
      const named = new Set(stray.map((s) => s.name));
      const problems = SchemaValidator.forNamespace(payload.namespaceUri).problems(payload);
      facts.invalid = problems.length > 0;
      facts.plainAndValid = !facts.invalid && !parts.header && !doc.dtd;
      for (const p of problems) {
        // an element reported as unknown above is reported once
        const element = /^Element '([^']+)'/.exec(p)?.[1];
        if (element && named.has(element.slice(element.lastIndexOf('}') + 1))) continue;
        c.add({ class: 'schema', direction: 'request', summary: firstLine(p) });
      }
    }
  } finally {
    doc.dispose();
  }
}

/** What a reader of the mock answers to the request before any business rule: a fault, or undefined when it reads it. */
function faultOf(reader: RequestReader, request: Buffer, charset: Charset | undefined): SoapFault | undefined {
  try {
    reader.read(request, charset);
    return undefined;
  } catch (err) {
    if (err instanceof SoapFault) return err;
    throw err;
  }
}

export function analyseExchange(
  ctx: AnalysisContext,
  ex: Exchange,
  request: Buffer | undefined,
  response: Buffer | undefined,
  /** the redacted texts of both (redaction.ts) */
  redacted: { request?: string; response?: string },
): Analysed {
  const facts: RequestFacts = { invalid: false, auth: {} };
  const c = new Collector(ctx.scrub, redacted, () => facts.operation);
  const done = (skipped = false): Analysed => ({ findings: c.findings, observations: c.observations, skipped });
  if (ex.error) {
    c.add({
      class: 'transport',
      direction: 'exchange',
      summary: ex.error.kind,
      upstream: ex.error.message,
      excerpt: false,
    });
    return done();
  }
  // the request read as the mock's endpoint reads it: decoded with its Content-Type's charset when it names one
  const requested = requestCharset(headerText(ex.request.headers['content-type']));
  const charset = typeof requested === 'object' ? requested : undefined;
  analyseRequest(ctx, c, facts, request, charset);
  const readers = ctx.readers(facts.namespace ?? ctx.expected.namespace);
  const refused = request && !facts.plainAndValid ? faultOf(readers.configured, request, charset) : undefined;
  // strictness evidence: a request the schema refuses that JAXB's lenient reading takes
  facts.lenientOnly =
    facts.invalid && request !== undefined && faultOf(readers.lenient, request, charset) === undefined;

  const contentType = headerText(ex.response.headers['content-type']);
  const text = redacted.response ?? '';
  if (!response || !/xml/i.test(contentType) || !/^\s*(\uFEFF)?</.test(text)) {
    c.add({
      class: 'not-soap',
      direction: 'response',
      summary: `HTTP ${ex.response.status} ${contentType || '(no Content-Type)'}${text ? '' : ', empty body'}`,
    });
    return done(!response && ex.response.body.length > 0);
  }
  if (contentType !== METRO.contentType)
    c.add({
      class: 'content-type',
      direction: 'response',
      summary: 'Content-Type of an answer',
      mock: METRO.contentType,
      upstream: contentType,
      excerpt: false,
      perOperation: false,
    });
  const declaration = /^\s*(<\?xml[^>]*\?>)?/.exec(text)?.[1] ?? '(none)';
  if (declaration !== METRO.declaration)
    c.add({
      class: 'shape',
      direction: 'response',
      summary: 'XML declaration',
      mock: METRO.declaration,
      upstream: declaration,
      excerpt: false,
      perOperation: false,
    });

  const doc = parse(response);
  if (typeof doc === 'string') {
    c.add({ class: 'not-soap', direction: 'response', summary: `not well-formed XML: ${doc}` });
    return done();
  }
  try {
    const parts = envelopeParts(doc.root);
    const payload = parts?.payload[0];
    if (!parts || !payload) {
      c.add({
        class: 'not-soap',
        direction: 'response',
        summary: parts ? 'a SOAP Envelope with an empty Body' : `not a SOAP 1.1 Envelope: ${qname(doc.root)}`,
      });
      return done();
    }
    if (parts.envelope.prefix !== METRO.envelopePrefix)
      c.add({
        class: 'shape',
        direction: 'response',
        summary: 'the Envelope prefix',
        mock: METRO.envelopePrefix,
        upstream: parts.envelope.prefix || '(default namespace)',
        excerpt: false,
        perOperation: false,
      });
    if (isFault(payload)) analyseFault(ctx, c, ex, readFault(payload), refused, facts);
    else analyseAnswer(ctx, c, ex, payload, refused, facts);
    return done();
  } finally {
    doc.dispose();
  }
}

function analyseFault(
  ctx: AnalysisContext,
  c: Collector,
  ex: Exchange,
  fault: { code: string; faultstring: string },
  refused: SoapFault | undefined,
  facts: RequestFacts,
): void {
  const upstream = `S:${fault.code}: ${fault.faultstring}`;
  if (ex.response.status !== 500)
    c.add({
      class: 'shape',
      direction: 'response',
      summary: 'HTTP status of a fault',
      mock: '500',
      upstream: String(ex.response.status),
      excerpt: false,
    });
  if (refused) {
    const mock = `S:${refused.faultCode}: ${refused.message}`;
    if (mock !== upstream)
      c.add({
        class: 'fault-text',
        direction: 'response',
        summary: `the fault for the same request (the mock: ${refused.faultCode})`,
        mock,
        upstream,
        fix: "fault texts are Metro's, written in server/soap (envelope.ts, request.ts): compare with Metro before changing one",
      });
  } else if (facts.operation && /^Cannot find dispatch method/.test(fault.faultstring))
    c.add({
      class: 'namespace',
      direction: 'response',
      summary: "the upstream has no operation in the request's namespace (Cannot find dispatch method)",
      upstream,
      perOperation: false,
    });
  else
    c.add({
      class: 'fault',
      direction: 'response',
      summary: 'the upstream faulted where the mock reads the request and answers from its business rules',
      upstream,
    });
  if (facts.lenientOnly && /Unmarshalling Error/i.test(fault.faultstring)) {
    c.observe('strict', true);
    if (!ctx.expected.strict)
      c.add({
        class: 'strictness',
        direction: 'request',
        summary: 'the upstream refused a request the schema refuses (the mock, lenient, answers it)',
        mock: 'strict false',
        upstream: 'strict true',
        fix: 'serve the mock with --strict (CCM_MOCK_STRICT=true), or --profile with the learned profile',
      });
  }
}

function analyseAnswer(
  ctx: AnalysisContext,
  c: Collector,
  ex: Exchange,
  payload: XmlElement,
  refused: SoapFault | undefined,
  facts: RequestFacts,
): void {
  if (refused)
    c.add({
      class: 'fault',
      direction: 'response',
      summary: 'the upstream answered a request the mock refuses with a fault',
      mock: `S:${refused.faultCode}: ${refused.message}`,
    });
  if (ex.response.status !== 200)
    c.add({
      class: 'shape',
      direction: 'response',
      summary: 'HTTP status of an answer',
      mock: '200',
      upstream: String(ex.response.status),
      excerpt: false,
    });
  if (facts.lenientOnly) {
    c.observe('strict', false);
    if (ctx.expected.strict)
      c.add({
        class: 'strictness',
        direction: 'request',
        summary: 'the upstream answered a request the schema refuses (the mock, strict, refuses it)',
        mock: 'strict true',
        upstream: 'strict false',
        fix: 'serve the mock without --strict, or --profile with the learned profile',
      });
  }
  const op = wrapperOperation(payload, 'response', { mode: 'lenient' });
  if (!op) {
    c.add({
      class: 'unknown-element',
      direction: 'response',
      summary: `response wrapper ${qname(payload)} is no operation's answer`,
    });
    return;
  }
  if (facts.operation && op.name !== facts.operation)
    c.add({
      class: 'schema',
      direction: 'response',
      summary: `${op.outputElement} answers a ${facts.operation} request`,
    });
  const name = op.name as OperationName;
  c.observe('namespace', payload.namespaceUri);
  if (payload.namespaceUri !== ctx.expected.namespace)
    c.add({
      class: 'namespace',
      direction: 'response',
      summary: "the response wrapper's namespace",
      mock: ctx.expected.namespace,
      upstream: payload.namespaceUri,
      fix: NAMESPACE_FIX(payload.namespaceUri),
      excerpt: false,
      perOperation: false,
    });
  if (payload.prefix !== METRO.payloadPrefix)
    c.add({
      class: 'shape',
      direction: 'response',
      summary: 'the response wrapper prefix',
      mock: METRO.payloadPrefix,
      upstream: payload.prefix || '(default namespace)',
      excerpt: false,
      perOperation: false,
    });

  const stray: Array<{ path: string; name: string; namespace: string }> = [];
  undeclared(payload, wrapperTypeName(op.outputElement) ?? '', `${name} (response)`, stray);
  for (const s of stray)
    c.add(
      s.namespace
        ? {
            class: 'shape',
            direction: 'response',
            summary: `${s.path} > ${s.name} is namespace-qualified ({${s.namespace}}), Metro writes children unqualified`,
          }
        : {
            class: keyUsageClass(name, s.path, 'unknown-element'),
            direction: 'response',
            summary: `${s.path} > ${s.name} is not in the schema`,
          },
    );
  if (ctx.validatable(payload.namespaceUri)) {
    const named = new Set(stray.map((s) => s.name));
    for (const p of SchemaValidator.forNamespace(payload.namespaceUri).problems(payload)) {
      const element = /^Element '([^']+)'/.exec(p)?.[1];
      if (element && named.has(element.slice(element.lastIndexOf('}') + 1))) continue;
      c.add({ class: keyUsageClass(name, p), direction: 'response', summary: firstLine(p) });
    }
  }
  let result: unknown;
  try {
    result = decodeResponse(payload, name, { mode: 'lenient' });
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    c.add({
      class: keyUsageClass(name, err.message),
      direction: 'response',
      summary: `a value the client cannot read: ${err.message}`,
    });
    return;
  }
  const code = statusCodeOf(name, result);
  const orderNumber = (name === 'enroll' || name === 'enrollUsingKUTemplates') && code !== undefined && code > 0;
  if (code !== undefined && !orderNumber && statusSource(code, name) === undefined)
    c.add({
      class: 'status-code',
      direction: 'response',
      summary: `status code ${code}, which the catalog does not list for ${name}`,
      upstream: String(code),
      fix: 'add the code to wsdl/status-codes.ts (with its meaning) and make the mock answer it (server/domain)',
    });
  credentialEvidence(ctx, c, facts, code);
  if (name === 'getWebServiceInfo' && typeof result === 'string') {
    c.observe('serviceInfo', result);
    if (result !== ctx.expected.serviceInfo)
      c.add({
        class: 'service-info',
        direction: 'response',
        summary: "getWebServiceInfo's text",
        mock: ctx.expected.serviceInfo,
        upstream: result,
        fix: 'serve the mock with --service-info (CCM_MOCK_SERVICE_INFO), or --profile with the learned profile',
        excerpt: false,
      });
  }
  if (name === 'collect') collectEvidence(ctx, c, result as SMIMECollectResponse | undefined);
  if (name === 'getKUTemplates') keyUsageEvidence(c, (result as KUTemplate[] | undefined) ?? []);
}

/** Problems of getKUTemplates under its KeyUsage / ExtKeyUsage elements are KeyUsage representation findings. */
function keyUsageClass(
  op: OperationName,
  where: string,
  otherwise: FindingInput['class'] = 'schema',
): FindingInput['class'] {
  return op === 'getKUTemplates' && /keyUsages|extKeyUsages|KeyUsage/i.test(where) ? 'key-usage' : otherwise;
}

/** The URI alias: a request naming the customer with <URI> alone, and what the upstream made of it. */
function credentialEvidence(ctx: AnalysisContext, c: Collector, facts: RequestFacts, code: number | undefined): void {
  const { login, password, customerLoginUri, URI } = facts.auth;
  if (code === undefined || login === undefined || password === undefined) return;
  if (customerLoginUri !== undefined) {
    if (code !== -100) ctx.credentials.remember(login, password, customerLoginUri);
    return;
  }
  if (URI === undefined) return;
  const accepted = code !== -100;
  // refused: evidence only if the same credentials were accepted with customerLoginUri
  if (!accepted && !ctx.credentials.known(login, password, URI)) return;
  c.observe('acceptUriAlias', accepted);
  if (accepted !== ctx.expected.acceptUriAlias)
    c.add({
      class: 'uri-alias',
      direction: 'request',
      summary: accepted
        ? 'the upstream accepted <URI> in authData as the customer (the mock answers -100)'
        : 'the upstream refused <URI> in authData with -100 for credentials it accepts as customerLoginUri',
      mock: `acceptUriAlias ${ctx.expected.acceptUriAlias}`,
      upstream: `acceptUriAlias ${accepted}`,
      fix: `serve the mock with --accept-uri-alias=${accepted} (CCM_MOCK_ACCEPT_URI_ALIAS), or --profile with the learned profile`,
    });
}

/** collect's certificate: its format and the leaf's validity. */
function collectEvidence(ctx: AnalysisContext, c: Collector, result: SMIMECollectResponse | undefined): void {
  if (!result?.certificate) return;
  const parsed = ctx.certificates.of(result.certificate);
  if ('error' in parsed) {
    c.add({
      class: 'certificate-format',
      direction: 'response',
      summary: `collect's certificate cannot be read: ${parsed.error}`,
    });
    return;
  }
  const setting = FORMAT_SETTING[parsed.format];
  if (setting) c.observe('certificateFormat', setting);
  if (setting !== ctx.expected.certificateFormat)
    c.add({
      class: 'certificate-format',
      direction: 'response',
      summary: `collect's certificate is ${parsed.format === 'pkcs7-pem' ? 'a PEM PKCS7 block' : setting}`,
      mock: ctx.expected.certificateFormat,
      upstream: setting ?? 'pkcs7-pem (no setting)',
      fix: setting
        ? `serve the mock with --cert-format ${setting} (CCM_MOCK_CERT_FORMAT), or --profile with the learned profile`
        : 'the mock has no such format yet: server/ca/bundle.ts',
    });
  const { days } = parsed;
  c.observe('validityDays', days);
  if (days !== ctx.expected.validityDays)
    c.add({
      class: 'validity',
      direction: 'response',
      summary: "the collected leaf's validity, in days",
      mock: String(ctx.expected.validityDays),
      upstream: String(days),
      fix: 'serve the mock with --validity-days (CCM_MOCK_VALIDITY_DAYS), or --profile with the learned profile',
      excerpt: false,
    });
}

/** getKUTemplates: KeyUsage codes and names as the mock pairs them (RFC 5280 bit, the guide's names), EKU codes as OIDs. */
function keyUsageEvidence(c: Collector, templates: KUTemplate[]): void {
  for (const t of templates) {
    for (const ku of t.keyUsages ?? []) {
      const ours = typeof ku.code === 'number' ? keyUsageLabel(ku.code) : undefined;
      if (ours !== ku.name)
        c.add({
          class: 'key-usage',
          direction: 'response',
          summary: `KeyUsage code ${String(ku.code)} is named "${ku.name ?? ''}"`,
          mock:
            ours === undefined
              ? 'no key usage has that code (codes are RFC 5280 bit positions)'
              : `code ${ku.code} is "${ours}"`,
          upstream: `code ${String(ku.code)} "${ku.name ?? ''}"`,
          fix: "the mock's codes and names are in server/ca/oids.ts (KEY_USAGE_BITS) and server/domain/accounts.ts",
        });
    }
    for (const eku of t.extKeyUsages ?? []) {
      const oid = typeof eku.code === 'string' && /^\d+(\.\d+)+$/.test(eku.code);
      const ours = oid ? extKeyUsageName(eku.code!) : undefined;
      if (!oid || (ours !== undefined && ours !== eku.name))
        c.add({
          class: 'key-usage',
          direction: 'response',
          summary: oid
            ? `ExtKeyUsage ${eku.code} is named "${eku.name ?? ''}"`
            : `ExtKeyUsage code "${String(eku.code)}" is not an OID`,
          mock: oid ? `"${ours}"` : 'the OID as its code',
          upstream: `code ${String(eku.code)} "${eku.name ?? ''}"`,
          fix: "the mock's EKU codes and names are in server/domain/accounts.ts",
        });
    }
  }
}

const NAMESPACE_FIX = (ns: string) =>
  `serve the mock with --namespace ${ns} (CCM_MOCK_NAMESPACE) or --profile with the learned profile; clients: ccm --namespace, CcmClient { namespace }`;

/** Findings from the structural diff of the upstream's WSDL, and the namespace it shows. */
export function wsdlFindings(
  drift: readonly DriftItem[],
  model: SchemaModel,
  expected: ExpectedProfile,
): { findings: FindingInput[]; observations: Observation[] } {
  // the drift compares with the contract file; the namespace is compared with the profile instead
  const findings: FindingInput[] = drift
    .filter((d) => d.path !== 'targetNamespace')
    .map((d) => ({
      class: d.aspect === 'namespace' ? 'namespace' : 'wsdl-drift',
      direction: 'wsdl',
      summary: `${d.aspect}: ${d.path}`,
      mock: d.expected,
      upstream: d.actual,
      fix: d.fix,
    }));
  if (model.targetNamespace !== expected.namespace)
    findings.unshift({
      class: 'namespace',
      direction: 'wsdl',
      summary: "the WSDL's targetNamespace",
      mock: expected.namespace,
      upstream: model.targetNamespace,
      fix: NAMESPACE_FIX(model.targetNamespace),
    });
  return { findings, observations: [['namespace', model.targetNamespace]] };
}
