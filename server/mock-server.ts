import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVICE_PATH } from '../wsdl/contract.js';
import { MockAdmin } from './admin/admin.js';
import { Journal } from './admin/journal.js';
import { createRevocation, type Revocation } from './ca/revocation.js';
import { SignWorkerPool } from './ca/sign-pool.js';
import { generateRsaKeyPair } from './ca/ocsp-signer.js';
import { caProfileWarning, existingTestCa, newTestCa, type ObtainCaOptions, type TestCa } from './ca/test-ca.js';
import { clockStartMs, ConfigError, resolveConfig, signWorkerCount, type MockConfig } from './config.js';
import { Accounts, parseAccounts, readAccountsFile, type AccountsFile } from './domain/accounts.js';
import { certificateRecords } from './domain/certificate-records.js';
import { clockBounds, isoOrNumber, LAST_INSTANT_MS, type AdjustableClock } from './domain/clock.js';
import { clockFor } from './durable-clock.js';
import { createDomain } from './domain/domain.js';
import type { EpkiService } from './domain/epki-service.js';
import { FaultInjector } from './domain/faults.js';
import { parseDelay } from './domain/lifecycle.js';
import { SeededRandom } from './domain/random.js';
import { createApp, type App } from './http/app.js';
import { mockReadiness, type Readiness } from './http/health.js';
import { closeLogger, createLogger, soapCallLogger } from './logging.js';
import type { SoapCallRecord } from './soap/endpoint.js';
import { openOrderStore } from './store/open-store.js';
import type { OrderStore } from './store/order-store.js';

/**
 * Assembling and running a mock: config -> accounts, CA, store, domain -> HTTP app -> listening server.
 * `createMockServer()` is the in-process entry for TypeScript tests; `ccm-mock serve` uses the same path.
 */

export interface MockServerOptions extends Partial<MockConfig> {
  /** accounts given inline instead of a file */
  accounts?: AccountsFile;
  /** an order store to use instead of the default */
  store?: OrderStore;
  /** a CA to use instead of generating or loading one (tests share one to save key generation) */
  ca?: TestCa;
}

export interface MockServer {
  /** base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** the SOAP endpoint URL */
  endpoint: string;
  wsdlUrl: string;
  config: MockConfig;
  seed: string;
  service: EpkiService;
  accounts: Accounts;
  store: OrderStore;
  ca: TestCa;
  clock: AdjustableClock;
  readiness: Readiness;
  /** the admin API's powers in-process: orders and transitions, faults, clock, journal, reset */
  admin: MockAdmin;
  /** the CRLs and the OCSP responder */
  revocation: Revocation;
  /** worker threads signing enroll-time certificates (0: the main thread signs) */
  signWorkers: number;
  /** the HTTP app (its caches' sizes, for tests of their bounds) */
  app: App;
  /** queued fault rules (for tests of their cap) */
  faults: FaultInjector;
  /** the SOAP call journal (for tests of its bounds) */
  journal: Journal;
  close(): Promise<void>;
}

/** Everything but the listening socket: what an HTTP server needs to serve the mock. */
export async function assembleMock(options: MockServerOptions, mode: 'serve' | 'test') {
  const { accounts: inlineAccounts, store: givenStore, ca: givenCa, ...explicit } = options;
  const config = resolveConfig(explicit, process.env, mode);
  const accounts = new Accounts(
    inlineAccounts ? parseAccounts(inlineAccounts, 'inline accounts') : readAccountsFile(config.accountsFile),
  );
  const random = config.seed ? new SeededRandom(config.seed) : SeededRandom.fresh();
  // without a data directory a new CA makes a new OCSP responder too: its key is generated beside the CA's
  const ocspKeyPair = !config.dataDir && !givenCa ? generateRsaKeyPair(config.caKeyBits) : undefined;
  const caOptions: ObtainCaOptions = {
    baseUrl: config.publicBaseUrl ?? `http://localhost:${config.port || 8080}`,
    dataDir: config.dataDir,
    keyBits: config.caKeyBits,
    rootCertFile: config.caRootCertFile,
    rootKeyFile: config.caRootKeyFile,
    issuingCertFile: config.caCertFile,
    issuingKeyFile: config.caKeyFile,
  };
  // a CA that exists is loaded before anything is opened, so a bad CA file leaves no store behind
  const existingCa = givenCa ?? existingTestCa(caOptions);
  // with a data directory: SQLite in it (orders survive restarts, like the CA in <dataDir>/ca); else memory
  const store = givenStore ?? openOrderStore(config.dataDir);
  const kept = clockFor(
    store,
    {
      frozen: config.clockFrozen,
      ...(config.clockStart !== undefined ? { startAt: clockStartMs(config.clockStart) } : {}),
    },
    config.clockReset,
  );
  const { clock, resumed: clockResumed } = kept;
  let ca: TestCa;
  try {
    const clockSource = clockResumed
      ? `the clock kept in ${config.dataDir ?? 'the order store'}`
      : config.clockStart !== undefined
        ? 'clockStart'
        : 'real time';
    const way = clockResumed
      ? ' Start once with --clock-reset (CCM_MOCK_CLOCK_RESET=1) to discard the kept clock.'
      : '';
    if (!(clock.now() >= 0 && clock.now() <= LAST_INSTANT_MS))
      throw new ConfigError(
        `the mock's clock (${clockSource}) reads ${isoOrNumber(clock.now())}, a time no certificate can carry (1970 to 9999).${way}`,
      );
    if (existingCa && !givenCa) refuseClockOutside(existingCa, clock.now(), clockSource, way);
    // a new CA is valid at the mock's time too (a clock started in the past or the future), not only now
    ca = existingCa ?? (await newTestCa({ ...caOptions, mockNow: new Date(clock.now()) }));
  } catch (err) {
    if (!givenStore) store.close();
    throw err;
  }
  const logger = createLogger(config.logLevel);
  if (clockResumed && config.clockStart !== undefined)
    logger.info(
      { clock: new Date(clock.now()).toISOString() },
      'the clock resumed from the data directory; clockStart applies to a new one only',
    );
  const outdated = caProfileWarning(ca);
  if (outdated) logger.warn({ ca: ca.origin }, outdated);
  const faults = new FaultInjector(
    random,
    clock,
    { hangLimitMs: config.faultHangLimitMs, maxRules: config.faultLimit },
    accounts,
  );
  const journal = new Journal({ entries: config.journalSize, bytes: config.journalBytes }, clock);
  const workers = signWorkerCount(config);
  const signer =
    workers > 0 ? new SignWorkerPool(ca.issuing.key, workers, (message) => logger.error(message)) : undefined;
  const { service, lifecycle } = createDomain({
    accounts,
    store,
    ca,
    clock,
    random,
    injector: faults,
    signer,
    settings: {
      certificateFormat: config.certificateFormat,
      validityDays: config.validityDays,
      defaultDelay: parseDelay(config.delay),
      serviceInfo: config.serviceInfo,
    },
  });
  const admin = new MockAdmin({ config, service, lifecycle, store, accounts, clock, random, faults, journal, ca });
  const revocation = await createRevocation({
    ca,
    records: certificateRecords(store),
    now: () => clock.now(),
    dataDir: config.dataDir,
    keyBits: config.caKeyBits,
    ocspKeyPair,
  });
  // every answered SOAP call goes to each listener: the log line, the journal; a failing one never stops the others
  const callListeners: Array<(record: SoapCallRecord) => void> = [
    soapCallLogger(logger),
    (record) => journal.record(record),
  ];
  const onCall = (record: SoapCallRecord) => {
    for (const listener of callListeners) {
      try {
        listener(record);
      } catch (err) {
        logger.error({ err }, 'a SOAP call listener failed');
      }
    }
  };
  const readiness = mockReadiness({ ca, store, clock });
  const app = createApp({
    config,
    service,
    ca,
    admin,
    revocation,
    onCall,
    readiness,
    intercept: ({ operation, authData }) => faults.transportFor(authData, operation),
  });
  /** release what outlives requests: the signing workers, the store */
  const dispose = async () => {
    await signer?.close();
    store.close();
    closeLogger(logger);
  };
  // only now: a start that failed on the way leaves a new data directory without a clock, so its clockStart still applies
  kept.save();
  return {
    app,
    faults,
    journal,
    config,
    accounts,
    ca,
    store,
    service,
    clock,
    admin,
    revocation,
    seed: random.seed,
    logger,
    callListeners,
    readiness,
    signWorkers: signer?.size ?? 0,
    dispose,
  };
}

/**
 * A CA that exists (kept in the data directory, or configured) keeps its dates: a mock clock outside the
 * issuing CA's validity would issue leaves no relying party accepts, so the start is refused instead.
 */
function refuseClockOutside(ca: TestCa, now: number, clockSource: string, way: string): void {
  const { from, to } = clockBounds(ca);
  if (now >= from && now <= to) return;
  throw new ConfigError(
    `the mock's clock (${clockSource}) reads ${isoOrNumber(now)}, outside the validity of the issuing CA from ${ca.origin} (${isoOrNumber(from)} to ${isoOrNumber(to)}): ` +
      `certificates issued then would not verify. Use a clockStart inside it, a new data directory, or another CA.${way}`,
  );
}

export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const parts = await assembleMock(options, 'test');
  const http = createServer(parts.app.listener);
  const address = await listen(http, parts.config.port, parts.config.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  return {
    ...parts,
    url,
    endpoint: url + SERVICE_PATH,
    wsdlUrl: `${url}${SERVICE_PATH}?wsdl`,
    // a full reset may start a new seed
    get seed() {
      return parts.admin.seed;
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await parts.dispose();
    },
  };
}
