import { readFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import type { Logger } from 'pino';
import { fetchWsdl } from '../../client/conformance/wsdl-fetch.js';
import { SERVICE_PATH } from '../../wsdl/contract.js';
import { ConfigError, resolveProxyConfig, type ProxyConfig } from '../config.js';
import { closeLogger, createLogger } from '../logging.js';
import { listen } from '../mock-server.js';
import { headerText, proxyListener, type Exchange } from './http.js';
import { IdleQueue } from './idle-queue.js';
import { Observer } from './observer.js';
import { Recorder } from './recorder.js';
import { parseKeepList, Redactor } from './redaction.js';
import { Upstream } from './upstream.js';

/**
 * Assembling `ccm-mock proxy`: config -> upstream client, redaction, recorder, observer -> HTTP listener.
 * `createProxyServer()` is the in-process handle tests use; the CLI runs the same parts.
 */

/** Answered exchanges waiting to be observed while others are in flight: at most this many, and this many bytes. */
const DEFERRED_EXCHANGES = 256;
const DEFERRED_BYTES = 16 * 1024 * 1024;

/** How long /readyz trusts its last look at the upstream. */
const READY_CACHE_MS = 5000;
/** The longest /readyz waits for the upstream. */
const READY_TIMEOUT_MS = 5000;

export interface ProxyParts {
  config: ProxyConfig;
  listener: RequestListener;
  observer: Observer;
  /** answered exchanges on their way to the observer */
  observations: IdleQueue<Exchange>;
  upstream: Upstream;
  logger: Logger;
  stopping: boolean;
  /** write what is pending (recordings, report, profile) and release the upstream connections */
  dispose(): Promise<void>;
}

/** A fetch that goes through the proxy's upstream client (its CAs, client certificate and limits) for upstream URLs. */
function upstreamFetch(upstream: Upstream, upstreamUrl: URL): typeof fetch {
  return async (input: string | URL | Request) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    // imports the upstream names by its own (possibly internal) host go to the upstream all the same
    if (url.pathname !== upstreamUrl.pathname) return fetch(url);
    const answer = await upstream.send('GET', url.search, { accept: 'text/xml, application/xml, */*' }, undefined);
    return new Response(new Uint8Array(answer.body), {
      status: answer.status,
      headers: { 'content-type': headerText(answer.headers['content-type']) || 'text/xml' },
    });
  };
}

function readPem(file: string | undefined, what: string): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(
      `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

export function assembleProxy(options: Partial<ProxyConfig>, mode: 'serve' | 'test'): ProxyParts {
  const config = resolveProxyConfig(options, process.env, mode);
  const upstreamUrl = new URL(config.upstream);
  const upstream = new Upstream({
    url: upstreamUrl,
    timeoutMs: config.upstreamTimeoutMs,
    maxBytes: config.upstreamMaxBytes,
    cert: readPem(config.upstreamCertFile, 'the upstream client certificate'),
    key: readPem(config.upstreamKeyFile, 'the upstream client key'),
  });
  const logger = createLogger(config.logLevel);
  const keep = parseKeepList(config.recordKeep);
  const redactor = new Redactor(keep);
  const recorder = config.recordDir
    ? new Recorder(config.recordDir, (message, file) => logger.error({ file }, message))
    : undefined;
  const observer = new Observer({
    upstreamUrl: config.upstream,
    expected: {
      namespace: config.namespace,
      certificateFormat: config.certificateFormat,
      strict: config.strict,
      acceptUriAlias: config.acceptUriAlias,
      serviceInfo: config.serviceInfo,
      validityDays: config.validityDays,
    },
    redactor,
    keep,
    logger,
    recorder,
    reportFile: config.reportFile,
    profileOutFile: config.profileOutFile,
    maxBytes: Math.max(config.maxBodyBytes, config.upstreamMaxBytes),
    fetchWsdl: () => fetchWsdl(`${config.upstream}?wsdl`, { fetch: upstreamFetch(upstream, upstreamUrl) }),
  });

  const observations = new IdleQueue<Exchange>({
    observe: (ex) => observer.onExchange(ex),
    sizeOf: (ex) => (ex.request.body?.length ?? 0) + ex.response.body.length + (ex.upstream?.body.length ?? 0),
    maxItems: DEFERRED_EXCHANGES,
    maxBytes: DEFERRED_BYTES,
  });

  let ready: { at: number; problem: Promise<string | undefined> } | undefined;
  const readiness = () => {
    if (!ready || Date.now() - ready.at > READY_CACHE_MS) {
      const probe = new AbortController();
      const timer = setTimeout(() => probe.abort(), Math.min(READY_TIMEOUT_MS, config.upstreamTimeoutMs)).unref();
      ready = {
        at: Date.now(),
        problem: upstream
          .send('GET', '?wsdl', {}, undefined, probe.signal)
          .then(
            (a) => (a.status < 500 ? undefined : `the upstream answered ?wsdl with HTTP ${a.status}`),
            (err: Error) =>
              probe.signal.aborted ? `the upstream did not answer ?wsdl within ${READY_TIMEOUT_MS} ms` : err.message,
          )
          .finally(() => clearTimeout(timer)),
      };
    }
    return ready.problem;
  };

  const parts: ProxyParts = {
    config,
    observer,
    observations,
    upstream,
    logger,
    stopping: false,
    listener: proxyListener({
      upstream,
      maxBodyBytes: config.maxBodyBytes,
      publicBaseUrl: config.publicBaseUrl,
      observations,
      readiness,
      stopping: () => parts.stopping,
    }),
    async dispose() {
      observations.drainNow();
      await observer.close();
      upstream.close();
      closeLogger(logger);
    },
  };
  void observer.compareWsdl();
  return parts;
}

export interface ProxyServer {
  /** base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** the proxied SOAP endpoint */
  endpoint: string;
  wsdlUrl: string;
  config: ProxyConfig;
  observer: Observer;
  /** Resolves once every exchange answered so far has been observed (findings, recording queued, log line). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** A proxy listening on loopback (tests: port 0, log silent), the in-process handle. */
export async function createProxyServer(options: Partial<ProxyConfig>): Promise<ProxyServer> {
  const parts = assembleProxy(options, 'test');
  const http = createServer(parts.listener);
  const address = await listen(http, parts.config.port, parts.config.host);
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url,
    endpoint: url + SERVICE_PATH,
    wsdlUrl: `${url}${SERVICE_PATH}?wsdl`,
    config: parts.config,
    observer: parts.observer,
    settled: () => parts.observations.drained(),
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await parts.dispose();
    },
  };
}
