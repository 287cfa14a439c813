import type { X509Certificate } from 'node:crypto';
import type { MockAdmin } from './admin/admin.js';
import type { MockConfig } from './config.js';
import type { AccountsFile } from './domain/accounts.js';
import { createMockServer as startMock } from './mock-server.js';

/**
 * `ccm-mock`: the package's in-process API (docs/in-process.md). Everything a test needs to start a mock, drive it
 * and name its types is exported here; the rest of dist/ is internal and may change in any release. Importing this
 * module does no work beyond loading code: the CA, the store and any signing workers are made by createMockServer().
 */

/** Options of createMockServer(): any configuration key (docs/configuration.md), and accounts given inline. */
export interface MockServerOptions extends Partial<MockConfig> {
  /** accounts given inline instead of a file (the shape of fixtures/accounts.json) */
  accounts?: AccountsFile;
}

/** One certificate of the mock's test CA. */
export interface MockCaCertificate {
  pem: string;
  der: Buffer;
  x509: X509Certificate;
}

/** The mock's test CA: the root to trust, and the issuing intermediate that signs the certificates. */
export interface MockCa {
  root: MockCaCertificate;
  issuing: MockCaCertificate;
  /** where it came from: generated, kept in the data directory, or loaded from configured files */
  origin: string;
}

/** A running mock, as createMockServer() hands it out. */
export interface MockServer {
  /** base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** the SOAP endpoint: `${url}/ws/EPKIManager` */
  readonly endpoint: string;
  /** the WSDL, its soap:address pointing at this mock */
  readonly wsdlUrl: string;
  /** the seed of this run's random streams (a full reset may start a new one) */
  readonly seed: string;
  /** the effective configuration: the options, then the environment, then createMockServer()'s defaults */
  readonly config: Readonly<MockConfig>;
  readonly ca: MockCa;
  /** the admin API's powers without HTTP: orders and transitions, faults, clock, journal, organizations, reset */
  readonly admin: MockAdmin;
  /** stop listening (open connections are closed) and release the store and any signing workers */
  close(): Promise<void>;
}

/**
 * Start a mock on 127.0.0.1 and a free port (unless `port`/`host` say otherwise), with createMockServer()'s
 * defaults: no delay, quiet logs, state in memory. Rejects with ConfigError, AccountsError or StoreError when the
 * options, the accounts or the data directory are unusable.
 */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const mock = await startMock(options);
  const { root, issuing, origin } = mock.ca;
  const ca: MockCa = {
    root: { pem: root.pem, der: root.der, x509: root.x509 },
    issuing: { pem: issuing.pem, der: issuing.der, x509: issuing.x509 },
    origin,
  };
  return Object.freeze({
    url: mock.url,
    endpoint: mock.endpoint,
    wsdlUrl: mock.wsdlUrl,
    get seed() {
      return mock.seed;
    },
    config: Object.freeze({ ...mock.config }),
    ca: Object.freeze(ca),
    admin: mock.admin,
    close: () => mock.close(),
  });
}

export type { MockConfig } from './config.js';
export { ConfigError } from './config.js';
export { AccountsError } from './domain/accounts.js';
export type { AccountsFile } from './domain/accounts.js';
export { StoreError } from './store/sqlite-store.js';
export { AdminError } from './admin/admin.js';
export type {
  CertificateView,
  ClockView,
  FaultView,
  MockAdmin,
  OrderDetail,
  OrderQuery,
  OrderSummary,
  OrganizationView,
  ResetOptions,
} from './admin/admin.js';
export type { JournalEntry, JournalFilter } from './admin/journal.js';
export type { FaultSpec, TransportFaultKind } from './domain/faults.js';
export type { ManualAction } from './domain/lifecycle.js';
export type { OrderState } from './domain/orders.js';
export type { CertificateFormat } from './ca/bundle.js';
