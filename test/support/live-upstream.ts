import { createServer, request } from 'node:http';
import { listenOnLoopback } from './listen.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import type { AccountsFile } from '../../server/domain/accounts.js';
import type { ProxyConfig } from '../../server/config.js';
import { createProxyServer, type ProxyServer } from '../../server/proxy/proxy.js';
import { SERVICE_PATH } from '../../wsdl/contract.js';

/**
 * The "live service" of the proxy's tests: a second ccm-mock with another wire profile (namespace, `x509`
 * certificates, its own service text) and its own accounts, whose secrets appear nowhere else in the project,
 * so a test can look for them in everything the proxy writes.
 */

export const LIVE = {
  namespace: 'http://smime.ws.epki.comodo.com/',
  certificateFormat: 'x509',
  serviceInfo: 'EPKIManager 9.9 (live stand-in)',
  auth: { login: 'live-operator', password: 'Pw-4f9c2e7b-live', customerLoginUri: 'live-customer' },
  orgId: 3101,
  secretKey: 'Sk-91d0a7-live',
  orgName: 'Live Org',
  emailDomain: 'live.example.net',
} as const;

export const LIVE_ACCOUNTS: AccountsFile = {
  customers: [
    {
      customerLoginUri: LIVE.auth.customerLoginUri,
      name: 'Live Customer',
      templates: [
        {
          shortName: 'live-smime',
          description: 'S/MIME signing and encryption',
          keyUsages: ['digitalSignature', 'keyEncipherment'],
          extKeyUsages: ['emailProtection'],
        },
      ],
      admins: [{ login: LIVE.auth.login, password: LIVE.auth.password, organizations: 'all' }],
      organizations: [
        {
          orgId: LIVE.orgId,
          name: LIVE.orgName,
          secretKey: LIVE.secretKey,
          emailDomains: [LIVE.emailDomain],
          templates: ['live-smime'],
        },
      ],
    },
  ],
} as AccountsFile;

export function liveMock(options: Parameters<typeof createMockServer>[0] = {}): Promise<MockServer> {
  return createMockServer({
    namespace: LIVE.namespace,
    certificateFormat: LIVE.certificateFormat,
    serviceInfo: LIVE.serviceInfo,
    accounts: LIVE_ACCOUNTS,
    ...options,
  });
}

export interface TappedAnswer {
  method: string;
  url: string;
  /** the request as it went by */
  requestHeaders: Record<string, string | string[] | undefined>;
  requestBody: Buffer;
  status: number;
  contentType?: string;
  body: Buffer;
}

/**
 * A pass-through relay that keeps a copy of every exchange as it went by (the request's headers and bytes, the
 * answer's status, Content-Type and bytes), so a test can compare what a client received with what a server sent. The Host header goes through unchanged.
 * It stands in for the network, not for our code.
 */
export async function tap(target: string): Promise<{ url: string; answers: TappedAnswer[]; close(): Promise<void> }> {
  const answers: TappedAnswer[] = [];
  const base = new URL(target);
  const server = createServer((req, res) => {
    const sent: Buffer[] = [];
    req.on('data', (c: Buffer) => sent.push(c));
    const upstream = request(
      { host: base.hostname, port: base.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          answers.push({
            method: req.method ?? '',
            url: req.url ?? '',
            requestHeaders: req.headers,
            requestBody: Buffer.concat(sent),
            status: answer.statusCode ?? 0,
            contentType: answer.headers['content-type'],
            body,
          });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    answers,
    close,
  };
}

export type Tap = Awaited<ReturnType<typeof tap>>;

/** The proxy between two taps, in front of a "live" mock: live <- upstreamSide <- proxy <- clientSide. */
export interface ProxyBetweenTaps {
  live: MockServer;
  upstreamSide: Tap;
  proxy: ProxyServer;
  /** where clients are pointed: its answers are what they received */
  clientSide: Tap;
  close(): Promise<void>;
}

export async function proxyBetweenTaps(options: Partial<ProxyConfig> = {}): Promise<ProxyBetweenTaps> {
  const live = await liveMock();
  const upstreamSide = await tap(live.url);
  const proxy = await createProxyServer({ upstream: upstreamSide.url + SERVICE_PATH, ...options });
  const clientSide = await tap(proxy.url);
  return {
    live,
    upstreamSide,
    proxy,
    clientSide,
    async close() {
      await clientSide.close();
      await proxy.close();
      await upstreamSide.close();
      await live.close();
    },
  };
}

/** The SOAP answers a tap saw, as compared byte for byte across the proxy. */
export const soapAnswers = (answers: TappedAnswer[]) =>
  answers
    .filter((a) => a.method === 'POST')
    .map((a) => ({ status: a.status, contentType: a.contentType, body: a.body.toString('base64') }));
