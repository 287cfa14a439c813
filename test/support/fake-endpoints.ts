import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Small HTTP servers that misbehave the way a remote endpoint can (an HTML error page, a hung connection,
 * garbage, a reset), for the client's transport error paths. They stand in for the network, not for our code.
 */

export interface FakeEndpoint {
  url: string;
  /** request bodies received, in order */
  requests: string[];
  close(): Promise<void>;
}

export async function fakeEndpoint(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>,
): Promise<FakeEndpoint> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push(body);
      // a handler that fails (a relay whose target went away) drops the connection, as a broken proxy would
      Promise.resolve(handler(req, res, body)).catch((err: unknown) =>
        res.destroy(err instanceof Error ? err : new Error(String(err))),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ws/EPKIManager`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RelayedAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** A proxy's way through to a real endpoint: a GET for its ?wsdl, a POST with the body as it came. */
export async function relay(target: string, req: IncomingMessage, body: string): Promise<RelayedAnswer> {
  const r =
    req.method === 'GET'
      ? await fetch(target + '?wsdl')
      : await fetch(target, { method: 'POST', body, headers: { 'Content-Type': 'text/xml; charset=utf-8' } });
  return { status: r.status, contentType: r.headers.get('content-type') ?? 'text/xml', text: await r.text() };
}

export function answerWith(res: ServerResponse, answer: RelayedAnswer): void {
  res.writeHead(answer.status, { 'Content-Type': answer.contentType });
  res.end(answer.text);
}

/** A proxy to `target` whose getCollectStatus never answers (a poll that hangs); `polled` resolves when one arrives. */
export async function hangingPollProxy(target: string): Promise<FakeEndpoint & { polled: Promise<void> }> {
  let arrived!: () => void;
  const polled = new Promise<void>((resolve) => (arrived = resolve));
  const proxy = await fakeEndpoint(async (req, res, body) => {
    if (/<ns0:getCollectStatus\b/.test(body)) return arrived();
    answerWith(res, await relay(target, req, body));
  });
  return { ...proxy, polled };
}

/** A port nothing listens on (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/ws/EPKIManager`;
}

/**
 * A fetch that fires `controller` right after a request whose body matches `pattern` has been answered: the
 * answer is read in full first, so that request still succeeds (a Ctrl-C that lands just after it).
 */
export function abortAfterAnswer(pattern: RegExp, controller: AbortController): typeof fetch {
  return async (input, init) => {
    const r = await fetch(input, init);
    const text = await r.text();
    if (pattern.test(typeof init?.body === 'string' ? init.body : '')) controller.abort(new Error('interrupted'));
    return new Response(text, {
      status: r.status,
      headers: { 'Content-Type': r.headers.get('content-type') ?? 'text/xml' },
    });
  };
}
