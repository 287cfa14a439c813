import { positiveSerial } from '../ca/certificate.js';
import { parseCsr, type ParsedCsr } from '../ca/csr.js';
import { issueLeaf, issueLeafWith, type LeafRequest } from '../ca/issuer.js';
import type { TbsSigner } from '../ca/sign-pool.js';
import type { TestCa } from '../ca/test-ca.js';
import type { OrderStore } from '../store/order-store.js';
import type { Accounts, KuTemplate } from './accounts.js';
import { LAST_INSTANT_MS } from './clock.js';
import { leafSubject, UNKNOWN_ORGANIZATION } from './leaf-subject.js';
import type { IssuedCertificate, Order } from './orders.js';
import type { SeededRandom } from './random.js';

/**
 * An order's certificate from the test CA: the serial drawn from the seeded stream (unique in the store),
 * validity from the mock's clock, KU/EKU from the order's templates, the subject from the organization's
 * validation (leaf-subject.ts). The lifecycle asks for it on the way into "issued".
 */

export interface IssuanceDeps {
  accounts: Accounts;
  store: OrderStore;
  ca: TestCa;
  random: SeededRandom;
  /** validity of issued certificates, in days */
  validityDays: number;
  /**
   * Signs certificates issued at enroll time off the event loop (the worker pool). Without it, and for
   * every certificate issued later (delays, polls, admin actions), the main thread signs.
   */
  signer?: TbsSigner;
}

const DAY_MS = 24 * 3600 * 1000;

export class Issuance {
  constructor(private readonly deps: IssuanceDeps) {}

  /** The order's certificate, signed on the main thread now. */
  issue(order: Order, now: number, csr?: ParsedCsr): IssuedCertificate {
    const request = this.leafRequest(order, now, csr);
    return issued(request, issueLeaf(this.deps.ca, request));
  }

  /**
   * The order's certificate signed by the worker pool, or undefined without one. The serial is drawn before
   * the wait, so the same seed gives the same serials whichever thread signs.
   */
  issueOffThread(order: Order, now: number, csr: ParsedCsr): Promise<IssuedCertificate> | undefined {
    const { signer } = this.deps;
    if (!signer) return undefined;
    const request = this.leafRequest(order, now, csr);
    return issueLeafWith(this.deps.ca, request, signer).then((der) => issued(request, der));
  }

  private newSerial(): string {
    const stream = this.deps.random.stream('serials');
    for (;;) {
      const serial = positiveSerial(stream.bytes(16)).toString('hex');
      if (!this.deps.store.getBySerial(serial)) return serial;
    }
  }

  /** What the CA needs to issue an order's certificate now (draws its serial). */
  private leafRequest(order: Order, now: number, parsed?: ParsedCsr): LeafRequest {
    const { accounts } = this.deps;
    const csr = parsed ?? parseCsr(order.csr);
    const customer = accounts.customer(order.customerUri);
    const templates = order.templates
      .map((name) => customer && accounts.template(customer, name))
      .filter((t): t is KuTemplate => !!t);
    const org = (customer && accounts.organization(customer, order.orgId)) ?? UNKNOWN_ORGANIZATION;
    const serial = this.newSerial();
    const notBefore = new Date(Math.floor(now / 1000) * 1000);
    // notAfter is inclusive (RFC 5280 4.1.2.5): the certificate is valid for exactly validityDays days (SBR 6.3.2),
    // and never past what a certificate time can say (the clock stops at the CA's notAfter, the validity adds to it)
    const notAfter = new Date(Math.min(notBefore.getTime() + this.deps.validityDays * DAY_MS - 1000, LAST_INSTANT_MS));
    return {
      csr,
      subject: leafSubject(org, order.username, order.email),
      validationType: org.validation.type,
      email: order.email,
      serial: Buffer.from(serial, 'hex'),
      notBefore,
      notAfter,
      baseUrl: order.baseUrl,
      ...(templates.length
        ? {
            keyUsageBits: [...new Set(templates.flatMap((t) => t.keyUsages.map((k) => k.code)))],
            extKeyUsages: [...new Set(templates.flatMap((t) => t.extKeyUsages.map((e) => e.code)))],
          }
        : {}),
    };
  }
}

function issued(request: LeafRequest, der: Buffer): IssuedCertificate {
  return {
    serial: request.serial.toString('hex'),
    der: der.toString('base64'),
    notBefore: request.notBefore.getTime(),
    notAfter: request.notAfter.getTime(),
  };
}
