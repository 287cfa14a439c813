import { DEFAULT_NAMESPACE, SERVICE_PATH } from '../../wsdl/contract.js';
import { createMockServer, type MockServer, type MockServerOptions } from '../../server/mock-server.js';
import { buildMetro, startJava, type JavaProcess } from '../support/metro.js';
import { envelope, enrollXml } from '../support/soap.js';
import { readCsr } from '../support/fixtures.js';
import { exchange } from './exchange.js';

/**
 * The pair a differential case runs against: ccm-mock (`mock`), and Metro (`oracle`) serving the same
 * WSDL in front of a twin mock (`twin`: same seed, clock, CA and public URL, so the same requests give the
 * same answers). Each case starts both mocks from a reset with one issued order.
 */

export interface Profile {
  name: string;
  namespace: string;
}

export const PROFILES: Profile[] = [
  { name: 'default namespace', namespace: DEFAULT_NAMESPACE },
  { name: 'namespace http://smime.ws.epki.comodo.com/', namespace: 'http://smime.ws.epki.comodo.com/' },
];

/** the mocks' public base URL: issued certificates carry it, so both mocks must use the same one */
export const PUBLIC_BASE = 'http://ccm-mock.test';

export interface OraclePair {
  mock: MockServer;
  twin: MockServer;
  oracle: JavaProcess;
  /** the oracle's base URL, e.g. http://127.0.0.1:40123 */
  oracleBase: string;
  /** what the oracle runs on, as it says: "JAX-WS RI 2.3.0.2 ...; Java 17.0.15" */
  runtime: string;
  close(): Promise<void>;
}

export async function startPair(profile: Profile): Promise<OraclePair> {
  const options: MockServerOptions = {
    namespace: profile.namespace,
    seed: 'metro-oracle',
    clockStart: '2030-01-01T00:00:00Z',
    clockFrozen: true,
    publicBaseUrl: PUBLIC_BASE,
  };
  const mock = await createMockServer(options);
  const twin = await createMockServer({ ...options, ca: mock.ca });
  try {
    const wsdl = await (await fetch(mock.wsdlUrl)).text();
    const classes = await buildMetro(wsdl);
    const oracle = await startJava(classes, 'ccmmock.metro.MetroOracle', [twin.endpoint]);
    const [, port, runtime] = /^listening (\d+) (.*)$/.exec(oracle.firstLine) ?? [];
    if (!port) throw new Error(`the oracle said ${JSON.stringify(oracle.firstLine)}`);
    return {
      mock,
      twin,
      oracle,
      oracleBase: `http://127.0.0.1:${port}`,
      runtime,
      async close() {
        await oracle.stop();
        await Promise.all([mock.close(), twin.close()]);
      },
    };
  } catch (err) {
    await Promise.all([mock.close(), twin.close()]);
    throw err;
  }
}

/** Both mocks back to the same fresh state with one issued order; its number and serial. */
export async function prepare(pair: OraclePair, namespace: string): Promise<{ orderNumber: number; serial: string }> {
  const states = [];
  for (const m of [pair.mock, pair.twin]) {
    m.admin.reset();
    const reply = await exchange(m.url, {
      method: 'POST',
      path: SERVICE_PATH,
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: Buffer.from(envelope('enroll', enrollXml({ csr: readCsr(), email: 'order@example.com' }), namespace)),
    });
    const orderNumber = Number(/<return>(\d+)<\/return>/.exec(reply.body.toString())?.[1]);
    const serial = m.admin.order(orderNumber).certificate?.serial;
    if (!serial) throw new Error(`setup: no issued order (${reply.status} ${reply.body.toString()})`);
    states.push({ orderNumber, serial });
  }
  if (states[0].orderNumber !== states[1].orderNumber || states[0].serial !== states[1].serial)
    throw new Error(`setup: the twin mocks drifted apart: ${JSON.stringify(states)}`);
  return states[0];
}
