import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XmlDocument, type XmlElement } from 'libxml2-wasm';
import {
  applyEdits,
  contentEdits,
  envelopeParts,
  isFault,
  readFault,
  scanXml,
  wrapperOperation,
  type XmlToken,
} from '../../wsdl/codec/index.js';
import type { OperationName } from '../../wsdl/contract.js';
import { META_FILE, REDACTED, type RecordingMeta } from '../../wsdl/recording.js';
import { elementChildren, escapeXml, SAFE_PARSE } from '../../wsdl/xml.js';

/**
 * Recordings of `ccm-mock proxy --record DIR` replayed as a regression check (`ccm conformance --recording DIR`):
 * each recorded request is sent again to an endpoint (the mock, or the live service) with the user's
 * credentials put back where the recording redacted them, and the answer is compared with the recorded one by
 * structure: HTTP status, fault or not (and the fault code), the answer's element, its elements in order, and
 * the status code. Values (order numbers, certificates, texts) are not compared: they differ between runs.
 *
 * Like the conformance checks, a replay does nothing it is not allowed to: enroll requests only with
 * `allowIssue`, revoke requests only with `allowRevoke`. A request whose recording redacted something that
 * cannot be put back (an e-mail address, a CSR) is skipped, saying which `--record-keep` would have kept it.
 */

export interface ReplayCredentials {
  login?: string;
  password?: string;
  customerLoginUri?: string;
  secretKey?: string;
}

export interface ReplayOptions {
  recordingDir: string;
  /** the EPKIManager endpoint to send to */
  endpoint: string;
  credentials: ReplayCredentials;
  allowIssue?: boolean;
  allowRevoke?: boolean;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export type ReplayOutcome = 'same' | 'different' | 'skipped' | 'failed';

export interface ReplayedExchange {
  exchange: number;
  operation: string;
  outcome: ReplayOutcome;
  /** the differences, or why it was skipped or failed */
  details: string[];
}

export interface ReplayReport {
  endpoint: string;
  recordingDir: string;
  results: ReplayedExchange[];
  /** no exchange differed or failed */
  ok: boolean;
}

export class ReplayError extends Error {}

/** Where each credential goes back: the element names that carry it (<URI> is the guide's alias). */
const CREDENTIAL_ELEMENTS: Record<string, keyof ReplayCredentials> = {
  login: 'login',
  password: 'password',
  customerLoginUri: 'customerLoginUri',
  URI: 'customerLoginUri',
  secretKey: 'secretKey',
};

const CREDENTIAL_ENV: Record<keyof ReplayCredentials, string> = {
  login: '--login / CCM_LOGIN',
  password: '--password / CCM_PASSWORD',
  customerLoginUri: '--customer-uri / CCM_CUSTOMER_URI',
  secretKey: '--secret-key / CCM_SECRET_KEY',
};

const ISSUING: readonly string[] = ['enroll', 'enrollUsingKUTemplates'];
const REVOKING: readonly string[] = ['revoke', 'revokeBySerialNumber', 'revokeAllByPerson'];

/** The recorded exchanges of a directory, in order. */
export function readRecordings(dir: string): Array<{ meta: RecordingMeta; request?: Buffer; response?: Buffer }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new ReplayError(
      `cannot read the recording ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const metas = names.filter((n) => META_FILE.test(n)).sort();
  if (!metas.length) throw new ReplayError(`${dir} holds no recorded exchange (NNNNNN-operation.json files)`);
  return metas.map((name) => {
    const meta = JSON.parse(readFileSync(join(dir, name), 'utf8')) as RecordingMeta;
    const file = (f: string | undefined) => (f === undefined ? undefined : readFileSync(join(dir, f)));
    return { meta, request: file(meta.requestFile), response: file(meta.responseFile) };
  });
}

/** The local names of elements whose whole text is the redaction placeholder. */
function redactedElements(text: string): string[] {
  const out: string[] = [];
  let prev: XmlToken | undefined;
  for (const t of scanXml(text)) {
    if (t.kind === 'text' && prev?.kind === 'open' && !prev.selfClosing && text.slice(t.start, t.end) === REDACTED)
      out.push(prev.local);
    prev = t;
  }
  return out;
}

/** The request with credentials put back; a string says why it cannot be replayed. */
export function restoreRequest(recorded: Buffer, credentials: ReplayCredentials): Buffer | string {
  const text = recorded.toString('latin1');
  const redacted = contentEdits(text, (local) => (CREDENTIAL_ELEMENTS[local] ? local : undefined)).filter(
    (e) => text.slice(e.start, e.end) === REDACTED,
  );
  const missing = new Set(
    redacted
      .map((e) => CREDENTIAL_ELEMENTS[e.local])
      .filter((key) => credentials[key] === undefined)
      .map((key) => CREDENTIAL_ENV[key]),
  );
  if (missing.size) return `the recording redacted credentials that are not given: ${[...missing].join(', ')}`;
  const lost = [...new Set(redactedElements(text).filter((n) => !CREDENTIAL_ELEMENTS[n]))];
  if (lost.length)
    return `the recording redacted ${lost.map((n) => `<${n}>`).join(', ')}: record with --record-keep ${lost.join(',')} to replay it`;
  // latin1 both ways keeps every other byte as recorded; the credentials go in as UTF-8
  const edits = redacted.map((e) => ({
    ...e,
    replacement: Buffer.from(escapeXml(credentials[CREDENTIAL_ELEMENTS[e.local]]!), 'utf8').toString('latin1'),
  }));
  return Buffer.from(applyEdits(text, edits), 'latin1');
}

interface Shape {
  status: number;
  /** 'fault S:Client', or the answer's element {ns}name */
  kind: string;
  /** element paths in document order (namespace-qualified where they are), values left out */
  elements: string[];
  /** the status code, for operations that answer one (an order number counts as "positive") */
  code?: string;
}

function shapeOf(status: number, body: Buffer | undefined, operation: string): Shape {
  if (!body?.length) return { status, kind: 'no body', elements: [] };
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(body, { option: SAFE_PARSE });
  } catch {
    return { status, kind: 'not XML', elements: [] };
  }
  try {
    const parts = envelopeParts(doc.root);
    const payload = parts?.payload[0];
    if (!payload) return { status, kind: parts ? 'an empty SOAP Body' : 'not a SOAP 1.1 Envelope', elements: [] };
    if (isFault(payload)) return { status, kind: `fault S:${readFault(payload).code}`, elements: [] };
    const elements: string[] = [];
    const walk = (el: XmlElement, path: string) => {
      for (const c of elementChildren(el)) {
        const p = `${path}/${c.namespaceUri ? `{${c.namespaceUri}}` : ''}${c.name}`;
        elements.push(p);
        walk(c, p);
      }
    };
    walk(payload, '');
    const op = wrapperOperation(payload, 'response', { mode: 'lenient' })?.name as OperationName | undefined;
    const codeEl =
      op === 'collect'
        ? payload.get('./return/statusCode')
        : op && !['getKUTemplates', 'getWebServiceInfo'].includes(op)
          ? payload.get('./return')
          : null;
    const raw = (codeEl as XmlElement | null)?.content.trim();
    const code =
      raw === undefined ? undefined : ISSUING.includes(operation) && Number(raw) > 0 ? 'an order number' : raw;
    return {
      status,
      kind: `{${payload.namespaceUri}}${payload.name}`,
      elements,
      ...(code !== undefined ? { code } : {}),
    };
  } finally {
    doc.dispose();
  }
}

/** The structural differences of two answers, as lines. */
function differences(recorded: Shape, now: Shape): string[] {
  const out: string[] = [];
  if (recorded.status !== now.status) out.push(`HTTP status: recorded ${recorded.status}, now ${now.status}`);
  if (recorded.kind !== now.kind) out.push(`answer: recorded ${recorded.kind}, now ${now.kind}`);
  if (recorded.code !== now.code)
    out.push(`status code: recorded ${recorded.code ?? '(none)'}, now ${now.code ?? '(none)'}`);
  if (recorded.kind === now.kind) {
    const max = Math.max(recorded.elements.length, now.elements.length);
    for (let i = 0; i < max; i++) {
      if (recorded.elements[i] !== now.elements[i]) {
        out.push(`element ${i + 1}: recorded ${recorded.elements[i] ?? '(none)'}, now ${now.elements[i] ?? '(none)'}`);
        break;
      }
    }
  }
  return out;
}

export async function replayRecording(opts: ReplayOptions): Promise<ReplayReport> {
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const results: ReplayedExchange[] = [];
  for (const { meta, request, response } of readRecordings(opts.recordingDir)) {
    if (opts.signal?.aborted) break;
    if (meta.request.method !== 'POST' || !meta.operation) continue; // WSDL and schema fetches: nothing to replay
    const result: ReplayedExchange = {
      exchange: meta.exchange,
      operation: meta.operation,
      outcome: 'skipped',
      details: [],
    };
    results.push(result);
    const skip = (why: string) => result.details.push(why);
    if (meta.response.from !== 'upstream') {
      skip(`the upstream failed when it was recorded (${meta.error?.kind ?? 'no answer'})`);
      continue;
    }
    if (ISSUING.includes(meta.operation) && !opts.allowIssue) {
      skip('it may issue a certificate: give --allow-issue to replay it');
      continue;
    }
    if (REVOKING.includes(meta.operation) && !opts.allowRevoke) {
      skip('it revokes: give --allow-revoke to replay it');
      continue;
    }
    if (!request) {
      skip('the recording has no request body');
      continue;
    }
    const body = restoreRequest(request, opts.credentials);
    if (typeof body === 'string') {
      skip(body);
      continue;
    }
    const header = (name: string) => {
      const v = meta.request.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    let status: number;
    let answer: Buffer;
    try {
      const res = await fetchImpl(opts.endpoint, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: {
          'Content-Type': header('content-type') ?? 'text/xml; charset=utf-8',
          SOAPAction: header('soapaction') ?? '""',
        },
        signal: AbortSignal.any([
          AbortSignal.timeout(opts.requestTimeoutMs ?? 60_000),
          ...(opts.signal ? [opts.signal] : []),
        ]),
      });
      status = res.status;
      answer = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      result.outcome = 'failed';
      const cause = (err as { cause?: { code?: string } }).cause;
      result.details.push(`no answer from ${opts.endpoint}: ${cause?.code ?? (err as Error).message}`);
      continue;
    }
    const was = shapeOf(meta.response.status, response, meta.operation);
    const now = shapeOf(status, answer, meta.operation);
    const diff = differences(was, now);
    result.outcome = diff.length ? 'different' : 'same';
    result.details.push(...diff);
  }
  return {
    endpoint: opts.endpoint,
    recordingDir: opts.recordingDir,
    results,
    ok: results.every((r) => r.outcome === 'same' || r.outcome === 'skipped'),
  };
}

/** The report as a table, one exchange per row with its details under it. */
export function formatReplay(report: ReplayReport): string {
  const count = (o: ReplayOutcome) => report.results.filter((r) => r.outcome === o).length;
  const lines = [`replaying ${report.recordingDir} against ${report.endpoint}`, ''];
  for (const r of report.results) {
    lines.push(`${r.outcome.toUpperCase().padEnd(10)} ${String(r.exchange).padStart(6, '0')} ${r.operation}`);
    for (const d of r.details) lines.push(`           ${d}`);
  }
  lines.push(
    '',
    `${count('same')} same, ${count('different')} different, ${count('failed')} failed, ${count('skipped')} skipped`,
  );
  return lines.join('\n') + '\n';
}
