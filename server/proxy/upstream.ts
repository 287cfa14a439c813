import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import * as tls from 'node:tls';

/**
 * The proxy's way to the live service: one keep-alive agent, one deadline per request (connect, TLS, headers
 * and body together), a bound on the answer's size. Every way it can go wrong ends as an UpstreamError with
 * the HTTP status the caller gets (502, or 504 for the deadline) and a one-line reason; nothing here throws
 * anything else, and nothing waits past the deadline.
 */

export interface UpstreamOptions {
  /** the EPKIManager endpoint, e.g. https://cert-manager.com/ws/EPKIManager */
  url: URL;
  timeoutMs: number;
  /** the largest answer body read, in bytes as received */
  maxBytes: number;
  /** PEM client certificate and key, for an HTTPS upstream that asks for one */
  cert?: Buffer;
  key?: Buffer;
  /** at most this many connections to the upstream at a time (more requests wait for one) */
  maxSockets?: number;
}

export interface UpstreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** the body exactly as received (still compressed when the upstream compressed it) */
  body: Buffer;
  /** milliseconds from the request to the answer's headers, and to its last byte */
  headersMs: number;
  totalMs: number;
}

export type UpstreamErrorKind = 'unreachable' | 'timeout' | 'tls' | 'too-large' | 'protocol' | 'reset';

export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
  ) {
    super(message);
  }

  /** 504 when the upstream was too slow, 502 for everything else */
  get httpStatus(): 502 | 504 {
    return this.kind === 'timeout' ? 504 : 502;
  }
}

/**
 * The CAs an HTTPS upstream is checked against: Node's own store plus NODE_EXTRA_CA_CERTS, and the operating
 * system's where this Node can list them (tls.getCACertificates, Node 22.15+). Undefined means "Node's default
 * store", which on older Node is its bundled list plus NODE_EXTRA_CA_CERTS (--use-openssl-ca makes it the
 * system's).
 */
function trustedCas(): string[] | undefined {
  const list = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  if (!list) return undefined;
  return [...new Set([...list('default'), ...list('system')])];
}

/** Error codes of TLS failures (certificate checks, handshake), as Node reports them. */
const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_OSSL_|HOSTNAME_MISMATCH)/;

/** A one-line reason for a failed request, without anything the caller sent. */
function classify(err: NodeJS.ErrnoException, target: string): UpstreamError {
  const code = err.code ?? '';
  if (err instanceof UpstreamError) return err;
  if (TLS_CODES.test(code) || /certificate|ssl|tls|handshake/i.test(err.message))
    return new UpstreamError('tls', `TLS with the upstream ${target} failed: ${code || err.message}`);
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH'
  )
    return new UpstreamError('unreachable', `the upstream ${target} is unreachable: ${code}`);
  if (code === 'ECONNRESET' || code === 'EPIPE' || err.message === 'socket hang up')
    return new UpstreamError('reset', `the upstream ${target} closed the connection before answering completely`);
  if (code.startsWith('HPE_'))
    return new UpstreamError('protocol', `the upstream ${target} did not answer valid HTTP (${code})`);
  return new UpstreamError('unreachable', `the request to the upstream ${target} failed: ${code || err.message}`);
}

export class Upstream {
  private readonly agent: HttpAgent;
  private readonly secure: boolean;
  /** scheme://host[:port], for messages */
  readonly origin: string;

  constructor(private readonly options: UpstreamOptions) {
    this.secure = options.url.protocol === 'https:';
    this.origin = options.url.origin;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, maxFreeSockets: 16 };
    this.agent = this.secure
      ? new HttpsAgent({
          ...agentOptions,
          ca: trustedCas(),
          cert: options.cert,
          key: options.key,
        })
      : new HttpAgent(agentOptions);
  }

  /** The upstream URL for one of the proxy's request paths: the upstream's own path, with the caller's query. */
  target(query: string): URL {
    const url = new URL(this.options.url);
    url.search = query;
    return url;
  }

  /** One request; resolves with the whole answer or rejects with an UpstreamError. */
  send(
    method: string,
    query: string,
    headers: OutgoingHttpHeaders,
    body: Buffer | undefined,
    signal?: AbortSignal,
  ): Promise<UpstreamAnswer> {
    const url = this.target(query);
    const started = performance.now();
    return new Promise<UpstreamAnswer>((resolve, reject) => {
      let settled = false;
      const finish = (err: UpstreamError | undefined, answer?: UpstreamAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(answer!);
      };
      const request = this.secure ? httpsRequest : httpRequest;
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const headersMs = performance.now() - started;
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > this.options.maxBytes) {
            res.destroy();
            finish(
              new UpstreamError(
                'too-large',
                `the upstream ${this.origin} answered more than ${this.options.maxBytes} bytes (the proxy's upstreamMaxBytes)`,
              ),
            );
          } else chunks.push(chunk);
        });
        res.on('end', () =>
          finish(undefined, {
            status: res.statusCode ?? 502,
            headers: res.headers,
            body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received),
            headersMs,
            totalMs: performance.now() - started,
          }),
        );
        res.on('error', (err) => finish(classify(err, this.origin)));
        res.on('close', () => {
          if (!res.complete)
            finish(new UpstreamError('reset', `the upstream ${this.origin} closed the connection mid-answer`));
        });
      });
      req.on('error', (err) => finish(classify(err, this.origin)));
      const deadline = setTimeout(
        () =>
          finish(
            new UpstreamError(
              'timeout',
              `the upstream ${this.origin} did not answer within ${this.options.timeoutMs} ms (the proxy's upstreamTimeoutMs)`,
            ),
          ),
        this.options.timeoutMs,
      );
      const onAbort = () => finish(new UpstreamError('reset', 'the caller went away'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
