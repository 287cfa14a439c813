import { constants, brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Logger } from 'pino';
import { wsdlDrift } from '../../client/conformance/drift.js';
import type { FetchedWsdl } from '../../client/conformance/wsdl-fetch.js';
import { contract } from '../../wsdl/contract.js';
import { writeFileDurably, writeFileDurablyAsync } from '../ca/durable-file.js';
import { RequestReader } from '../soap/request.js';
import {
  AcceptedCredentials,
  analyseExchange,
  CertificateFacts,
  payloadOf,
  wsdlFindings,
  type ExpectedProfile,
} from './analysis.js';
import { Findings, type FindingInput } from './findings.js';
import { headerText, type Exchange } from './http.js';
import { ProfileLearner } from './learner.js';
import type { Recorder } from './recorder.js';
import type { Keepable, Redactor } from './redaction.js';
import { writeReport, writeReportAsync, type ReportState } from './report.js';

/**
 * What the proxy does with each exchange once the caller has its answer: inflate the messages, redact them,
 * check both directions against the contract (analysis.ts), feed the learned profile, record the exchange,
 * log one line, and keep the report and the profile file current. Nothing here may fail an exchange or stop
 * the proxy: an error is logged and the next exchange is observed as usual.
 */

export interface ObserverOptions {
  upstreamUrl: string;
  expected: ExpectedProfile;
  redactor: Redactor;
  keep: readonly Keepable[];
  logger: Logger;
  recorder?: Recorder;
  reportFile?: string;
  profileOutFile?: string;
  /** the largest message analysed and recorded, inflated */
  maxBytes: number;
  /** the upstream's ?wsdl, read into the schema model */
  fetchWsdl: () => Promise<FetchedWsdl>;
}

/** The report and the profile file are rewritten at most this often while exchanges arrive. */
export const PERSIST_EVERY_MS = 1000;
/** A failed fetch of the upstream's WSDL is tried again after this long, when an exchange arrives. */
const WSDL_RETRY_MS = 60_000;

/** A message inflated as its Content-Encoding says, at most `max` bytes; a string says why it could not be. */
export function inflate(body: Buffer | undefined, encoding: string, max: number): Buffer | string | undefined {
  if (!body) return undefined;
  const e = encoding.trim().toLowerCase() || 'identity';
  const options = { maxOutputLength: max };
  try {
    if (e === 'identity') return body.length > max ? `larger than ${max} bytes` : body;
    if (e === 'gzip' || e === 'x-gzip') return gunzipSync(body, options);
    if (e === 'deflate') return inflateSync(body, options);
    if (e === 'br')
      return brotliDecompressSync(body, { ...options, params: { [constants.BROTLI_PARAM_SIZE_HINT]: 0 } });
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
      ? `larger than ${max} bytes once inflated`
      : `its ${e} encoding does not inflate`;
  }
  return `Content-Encoding ${e} is not one the proxy reads`;
}

const extension = (contentType: string, text: string | undefined) =>
  /html/i.test(contentType) ? 'html' : /^\s*</.test(text ?? '') ? 'xml' : 'txt';

export class Observer {
  readonly findings = new Findings();
  readonly learner = new ProfileLearner();
  private readonly credentials = new AcceptedCredentials();
  private readonly certificates = new CertificateFacts();
  /** the mock's request readers by namespace: at most the expected one and the upstream's (validatable ones) */
  private readonly readers = new Map<string, { configured: RequestReader; lenient: RequestReader }>();
  private readonly startedAt = new Date();
  private lastAt: Date | undefined;
  private firstAt: Date | undefined;
  private total = 0;
  private failed = 0;
  private notAnalysed = 0;
  private readonly byOperation: Record<string, number> = {};
  private wsdl: ReportState['wsdl'];
  private wsdlTriedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  /** the periodic rewrite in progress (off the event loop), if any */
  private writing: Promise<void> | undefined;

  constructor(private readonly opts: ObserverOptions) {
    this.wsdl = { url: `${opts.upstreamUrl}?wsdl`, drift: [] };
  }

  /** Compare the upstream's WSDL with ours (once it could be fetched; a failure is retried later). */
  async compareWsdl(): Promise<void> {
    this.wsdlTriedAt = Date.now();
    try {
      const fetched = await this.opts.fetchWsdl();
      const drift = wsdlDrift(contract, fetched.model);
      this.wsdl = { url: fetched.url, fetchedAt: new Date().toISOString(), drift };
      const { findings, observations } = wsdlFindings(drift, fetched.model, this.opts.expected);
      for (const f of findings) this.findings.add(f, new Date());
      for (const [name, value] of observations) this.learner.observe(name, value as never, new Date());
    } catch (err) {
      this.wsdl = { ...this.wsdl, error: (err as Error).message };
    }
    this.changed();
  }

  private validatable(namespace: string): boolean {
    return namespace === this.opts.expected.namespace || namespace === this.learner.value('namespace');
  }

  private readersFor(namespace: string): { configured: RequestReader; lenient: RequestReader } {
    const ns = this.validatable(namespace) ? namespace : this.opts.expected.namespace;
    let readers = this.readers.get(ns);
    if (!readers) {
      // the upstream's namespace may change its mind: keep the expected one and the latest
      for (const key of this.readers.keys()) if (key !== this.opts.expected.namespace) this.readers.delete(key);
      const profile = { ...this.opts.expected, namespace: ns };
      readers = { configured: new RequestReader(profile), lenient: new RequestReader({ ...profile, strict: false }) };
      this.readers.set(ns, readers);
    }
    return readers;
  }

  onExchange(ex: Exchange): void {
    try {
      this.observe(ex);
    } catch (err) {
      // the message could quote a message's content: only the kind of error is logged here
      this.notAnalysed++;
      this.opts.logger.error(
        { error: (err as Error).name },
        'observing an exchange failed (the caller had its answer)',
      );
    }
    if (!this.wsdl.fetchedAt && Date.now() - this.wsdlTriedAt > WSDL_RETRY_MS) void this.compareWsdl();
  }

  private observe(ex: Exchange): void {
    const at = new Date(ex.at);
    this.total++;
    this.firstAt ??= at;
    this.lastAt = at;
    // the proxy's own refusal of a request (over its size limit) is not the upstream failing
    const upstreamFailed = ex.error !== undefined && ex.error.kind !== 'request';
    if (upstreamFailed) this.failed++;
    const max = this.opts.maxBytes;
    const request = inflate(ex.request.body, headerText(ex.request.headers['content-encoding']), max);
    const response = inflate(ex.response.body, headerText(ex.response.headers['content-encoding']), max);
    const {
      texts: [requestText, responseText],
      scrub,
    } = this.opts.redactor.redactExchange([
      typeof request === 'string' ? undefined : request,
      typeof response === 'string' ? undefined : response,
    ]);
    const label =
      ex.kind === 'document'
        ? /[?&]wsdl/i.test(ex.request.url)
          ? 'wsdl'
          : /[?&]xsd=/i.test(ex.request.url)
            ? 'xsd'
            : 'page'
        : (payloadOf(requestText)?.local ?? 'unknown');
    this.byOperation[label] = (this.byOperation[label] ?? 0) + 1;

    const number = this.opts.recorder?.record({
      label,
      request: typeof request === 'string' ? `[not recorded: ${request}]` : requestText,
      response: typeof response === 'string' ? `[not recorded: ${response}]` : responseText,
      requestExt: extension(headerText(ex.request.headers['content-type']), requestText),
      responseExt: extension(headerText(ex.response.headers['content-type']), responseText),
      meta: {
        at: at.toISOString(),
        operation: ex.kind === 'soap' ? label : undefined,
        request: {
          method: ex.request.method,
          url: ex.request.url,
          headers: this.opts.redactor.headers(ex.request.headers),
          bytes: ex.request.body?.length ?? 0,
        },
        response: {
          status: ex.response.status,
          headers: this.opts.redactor.headers(ex.response.headers),
          bytes: ex.response.body.length,
          from: ex.error ? 'proxy' : 'upstream',
        },
        ...(ex.error ? { error: ex.error } : {}),
        timing: roundTiming(ex.timing),
      },
    });

    let findings: FindingInput[] = [];
    if (ex.kind === 'soap' && ex.error?.kind !== 'request') {
      let analysed;
      try {
        analysed = analyseExchange(
          {
            expected: this.opts.expected,
            readers: (ns) => this.readersFor(ns),
            scrub,
            validatable: (ns) => this.validatable(ns),
            credentials: this.credentials,
            certificates: this.certificates,
          },
          ex,
          typeof request === 'string' ? undefined : request,
          typeof response === 'string' ? undefined : response,
          { request: requestText, response: responseText },
        );
      } catch (err) {
        // a bug here must not lose the exchange's recording or log line; the message is scrubbed like a finding
        this.opts.logger.error(
          { operation: label, error: scrub((err as Error).message) },
          'analysing an exchange failed',
        );
      }
      if (analysed) {
        findings = analysed.findings;
        for (const [name, value] of analysed.observations) this.learner.observe(name, value as never, at);
      }
      if (!analysed || analysed.skipped) this.notAnalysed++;
    }
    for (const f of findings) this.findings.add(f, at, number);

    const line = {
      exchange: number,
      operation: label,
      status: ex.response.status,
      ...(ex.error ? { error: ex.error.kind, reason: ex.error.message } : {}),
      latencyMs: round(ex.timing.totalMs),
      upstreamMs: ex.timing.upstreamTotalMs !== undefined ? round(ex.timing.upstreamTotalMs) : undefined,
      findings: findings.length,
    };
    if (upstreamFailed) this.opts.logger.warn(line, 'proxied: the upstream failed');
    else if (ex.error) this.opts.logger.warn(line, 'proxied: the proxy refused the request');
    else this.opts.logger.info(line, 'proxied');
    this.changed();
  }

  private changed(): void {
    if (!this.opts.reportFile && !this.opts.profileOutFile) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.persistInBackground();
    }, PERSIST_EVERY_MS);
    this.timer.unref();
  }

  /** The report as it stands. */
  report(): ReportState {
    const r = this.opts.recorder;
    const e = this.opts.expected;
    return {
      upstream: this.opts.upstreamUrl,
      startedAt: this.startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
      comparedWith: { ...e },
      exchanges: {
        total: this.total,
        byOperation: { ...this.byOperation },
        failed: this.failed,
        notAnalysed: this.notAnalysed,
      },
      ...(r ? { recording: { dir: r.dir, written: r.written, dropped: r.dropped, kept: this.opts.keep } } : {}),
      wsdl: this.wsdl,
      findings: this.findings.list(),
      overflow: this.findings.overflow,
      profile: this.profile(),
    };
  }

  profile() {
    return this.learner.profile({
      upstream: this.opts.upstreamUrl,
      ...(this.firstAt ? { firstExchange: this.firstAt.toISOString(), lastExchange: this.lastAt!.toISOString() } : {}),
      exchanges: this.total,
    });
  }

  /**
   * The periodic rewrite: the files written in libuv's thread pool, so the fsyncs never hold up an exchange.
   * One at a time; what changes meanwhile is written by the next.
   */
  private persistInBackground(): void {
    if (this.writing) {
      this.changed();
      return;
    }
    if (!this.dirty) return;
    this.dirty = false;
    const report = this.opts.reportFile ? this.report() : undefined;
    const profile = this.opts.profileOutFile ? JSON.stringify(this.profile(), null, 2) + '\n' : undefined;
    this.writing = (async () => {
      if (report) await writeReportAsync(this.opts.reportFile!, report);
      if (profile !== undefined) await writeFileDurablyAsync(this.opts.profileOutFile!, profile);
    })()
      .catch((err: unknown) => this.opts.logger.error({ err }, 'writing the report or the profile failed'))
      .finally(() => (this.writing = undefined));
  }

  /** No periodic rewrite running or due: a synchronous write after this is the last word. */
  private async backgroundWritten(): Promise<void> {
    while (this.writing || this.timer) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      await this.writing;
    }
  }

  /** Write the report and the profile file now, if anything changed (or `force`). */
  persist(force = false): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty && !force) return;
    this.dirty = false;
    try {
      if (this.opts.reportFile) writeReport(this.opts.reportFile, this.report());
      if (this.opts.profileOutFile)
        writeFileDurably(this.opts.profileOutFile, JSON.stringify(this.profile(), null, 2) + '\n');
    } catch (err) {
      this.opts.logger.error({ err }, 'writing the report or the profile failed');
    }
  }

  /** Everything recorded so far on disk, and the report and the profile written. */
  async flush(): Promise<void> {
    await this.opts.recorder?.flush();
    await this.backgroundWritten();
    this.persist(true);
  }

  /** At exit: flush, and stop the recorder's writer. */
  async close(): Promise<void> {
    await this.opts.recorder?.close();
    await this.backgroundWritten();
    this.persist(true);
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function roundTiming(t: Exchange['timing']): Record<string, number | undefined> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === undefined ? undefined : round(v)]));
}
