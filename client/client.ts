import { DEFAULT_NAMESPACE, SERVICE_PATH, type OperationName } from '../wsdl/contract.js';
import { Status } from '../wsdl/status-codes.js';
import type { AuthData, KUTemplate, OperationArgs, OperationResults } from '../wsdl/types.js';
import { CertificateFormatError, parseCollectedCertificate, type CollectedCertificate } from './certificate.js';
import { CcmFaultError, CcmStatusError, CcmTransportError } from './errors.js';
import { httpUrl } from './http.js';
import { SoapTransport, type CallOptions, type SoapExchange } from './soap.js';
import { pollWithBackoff, type PollLoopOptions, type PollProgress } from './wait.js';

/**
 * A typed client for EPKIManager (CCM S/MIME Enroll API 5.7). Negative status codes become CcmStatusError,
 * SOAP faults CcmFaultError, everything else that keeps an answer from arriving CcmTransportError.
 * enroll and the revoke operations are sent exactly once per call: nothing here retries them.
 */

export interface CcmClientOptions {
  /** the EPKIManager endpoint, e.g. https://cert-manager.com/ws/EPKIManager (a bare base URL gets /ws/EPKIManager) */
  endpoint: string;
  /** targetNamespace of the operations; take it from the endpoint's ?wsdl (default http://ws.epki.comodo.com/) */
  namespace?: string;
  /** login/password of an admin with the Client Cert role, and the customer's login URI */
  auth: AuthData;
  /** defaults for enroll */
  orgId?: number;
  secretKey?: string;
  /** per-request timeout, ms (default 60 000; 0 = none) */
  requestTimeoutMs?: number;
  /** extra HTTP headers on every request */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** sees every request/answer pair (logging, diagnostics) */
  onExchange?: (exchange: SoapExchange) => void;
}

export interface EnrollRequest {
  /** subject CN of the certificate (max 64 characters) */
  username: string;
  /** the person's address; its domain must belong to the organization */
  email: string;
  /** PKCS#10 request, PEM or bare base64 */
  csr: string;
  orgId?: number;
  secretKey?: string;
  /** KU/EKU templates by short name (or as returned by getKUTemplates); non-empty selects enrollUsingKUTemplates */
  templates?: Array<string | KUTemplate>;
}

export interface RevokeAllByPersonRequest {
  email: string;
  /** organization name (not its id) */
  org: string;
  /** department name, when the person belongs to one */
  dep?: string;
}

export type CollectOutcome =
  { ready: true; code: number; certificate: CollectedCertificate } | { ready: false; code: number };

/** One poll of waitForCertificate: its code (0 processing), or the error that will be retried. */
export interface PollEvent extends PollProgress {
  orderNumber: number;
}

export interface WaitOptions extends PollLoopOptions {
  /** getCollectStatus then collect (default, as the guide intends), or collect alone (surfaces -22 while waiting) */
  pollWith?: 'getCollectStatus' | 'collect';
  /** (maxConsecutiveErrors: transport errors, -14 and Server faults count as transient) */
  onPoll?: (event: PollEvent) => void;
}

export interface EnrollAndCollectOptions extends WaitOptions {
  /** called once the order number is known, before waiting (keep it: the order can be collected later) */
  onEnrolled?: (orderNumber: number) => void;
}

export interface EnrolledCertificate extends CollectedCertificate {
  orderNumber: number;
}

/** The endpoint URL: a base URL gets the service path, a ?wsdl suffix is dropped. */
export function normalizeEndpoint(url: string): string {
  const u = httpUrl(url);
  if (u.pathname === '' || u.pathname === '/') u.pathname = SERVICE_PATH;
  if (u.search.toLowerCase() === '?wsdl') u.search = '';
  return u.toString();
}

function isTransient(err: unknown): boolean {
  return (
    err instanceof CcmTransportError ||
    (err instanceof CcmStatusError && err.code === Status.UNKNOWN_ERROR) ||
    (err instanceof CcmFaultError && err.faultCode === 'Server')
  );
}

export class CcmClient {
  readonly endpoint: string;
  readonly namespace: string;
  private readonly transport: SoapTransport;

  constructor(private readonly options: CcmClientOptions) {
    this.endpoint = normalizeEndpoint(options.endpoint);
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.transport = new SoapTransport({
      endpoint: this.endpoint,
      namespace: this.namespace,
      requestTimeoutMs: options.requestTimeoutMs,
      headers: options.headers,
      fetch: options.fetch,
      onExchange: options.onExchange,
    });
  }

  get wsdlUrl(): string {
    return this.endpoint + '?wsdl';
  }

  /** One operation as the wire has it: no status-code interpretation, `undefined` when <return> is absent. */
  call<K extends OperationName>(
    operation: K,
    args: OperationArgs[K],
    options?: CallOptions,
  ): Promise<OperationResults[K] | undefined> {
    return this.transport.call(operation, args, options);
  }

  private get auth(): AuthData {
    return this.options.auth;
  }

  private async int(
    operation: OperationName,
    args: OperationArgs[OperationName],
    options: CallOptions | undefined,
    orderNumber?: number,
  ): Promise<number> {
    const value = await this.transport.call(operation, args, options);
    if (typeof value !== 'number') {
      throw new CcmTransportError('malformed', `${operation}: the answer has no integer <return>`, operation, {
        mayHaveReachedService: true,
      });
    }
    if (value < 0) throw new CcmStatusError(value, operation, { orderNumber });
    return value;
  }

  // ---- guide 2.6 ----

  async getWebServiceInfo(options?: CallOptions): Promise<string> {
    return (await this.transport.call('getWebServiceInfo', {}, options)) ?? '';
  }

  // ---- guide 2.5 ----

  /** The account's KU/EKU templates. The operation has no status code: refused credentials also give an empty list. */
  async getKUTemplates(options?: CallOptions): Promise<KUTemplate[]> {
    return (await this.transport.call('getKUTemplates', { authData: this.auth }, options)) ?? [];
  }

  // ---- guide 2.1 ----

  /** Request a certificate; returns the order number. Uses enrollUsingKUTemplates when templates are given. */
  async enroll(request: EnrollRequest, options?: CallOptions): Promise<number> {
    const base = {
      authData: this.auth,
      orgId: request.orgId ?? this.options.orgId,
      secretKey: request.secretKey ?? this.options.secretKey,
      username: request.username,
      email: request.email,
      csr: request.csr,
    };
    if (request.templates?.length) {
      const kuTemplate = request.templates.map((t) => (typeof t === 'string' ? { shortName: t } : t));
      return this.orderNumberFrom(
        'enrollUsingKUTemplates',
        await this.int('enrollUsingKUTemplates', { ...base, kuTemplate }, options),
      );
    }
    return this.orderNumberFrom('enroll', await this.int('enroll', base, options));
  }

  /** enrollUsingKUTemplates by name (guide 2.1.2). */
  enrollUsingKUTemplates(
    request: EnrollRequest & { templates: Array<string | KUTemplate> },
    options?: CallOptions,
  ): Promise<number> {
    if (!request.templates.length) throw new TypeError('enrollUsingKUTemplates needs at least one template');
    return this.enroll(request, options);
  }

  private orderNumberFrom(operation: OperationName, value: number): number {
    // 0 is not an order number and not a documented enroll code
    if (value === 0) throw new CcmStatusError(0, operation);
    return value;
  }

  // ---- guide 2.2, 2.3 ----

  /** 1 when the certificate is available, 0 while it is being processed; negative codes throw. */
  getCollectStatus(orderNumber: number, options?: CallOptions): Promise<number> {
    return this.int('getCollectStatus', { authData: this.auth, orderNumber }, options, orderNumber);
  }

  /** The certificate when issued (parsed into leaf + chain), or `ready: false` while processing. */
  async collect(orderNumber: number, options?: CallOptions): Promise<CollectOutcome> {
    const answer = await this.transport.call('collect', { authData: this.auth, orderNumber }, options);
    if (!answer || typeof answer.statusCode !== 'number') {
      throw new CcmTransportError('malformed', 'collect: the answer has no <return><statusCode>', 'collect');
    }
    const code = answer.statusCode;
    if (code < 0) throw new CcmStatusError(code, 'collect', { orderNumber });
    if (code === 0) return { ready: false, code };
    if (!answer.certificate)
      throw new CcmTransportError('malformed', `collect answered ${code} without a certificate`, 'collect');
    try {
      return { ready: true, code, certificate: parseCollectedCertificate(answer.certificate) };
    } catch (err) {
      if (err instanceof CertificateFormatError) {
        throw new CcmTransportError(
          'malformed',
          `collect: the certificate could not be read: ${err.message}`,
          'collect',
          { bodySnippet: answer.certificate.slice(0, 200) },
          err,
        );
      }
      throw err;
    }
  }

  // ---- guide 2.4 ----

  async revoke(orderNumber: number, reason = '', options?: CallOptions): Promise<void> {
    await this.zero('revoke', { authData: this.auth, orderNumber, reason }, options, orderNumber);
  }

  /** `serialNumber` in hex, as the certificate shows it (CollectedCertificate.serialNumber). */
  async revokeBySerialNumber(serialNumber: string, reason = '', options?: CallOptions): Promise<void> {
    await this.zero('revokeBySerialNumber', { authData: this.auth, serialNumber, reason }, options);
  }

  /**
   * Revokes every valid certificate of the person (orders still being issued are left as they are). Succeeds when
   * something was revoked, or when the person has no order at all; a person with orders but none valid gets
   * CcmStatusError: -26 when one is still being issued, else -21 when they are revoked already, else -20 (only
   * rejected ones).
   */
  async revokeAllByPerson(request: RevokeAllByPersonRequest, options?: CallOptions): Promise<void> {
    await this.zero(
      'revokeAllByPerson',
      { authData: this.auth, email: request.email, org: request.org, dep: request.dep },
      options,
    );
  }

  private async zero(
    operation: OperationName,
    args: OperationArgs[OperationName],
    options: CallOptions | undefined,
    orderNumber?: number,
  ): Promise<void> {
    const code = await this.int(operation, args, options, orderNumber);
    if (code !== 0) throw new CcmStatusError(code, operation, { orderNumber });
  }

  // ---- waiting ----

  /**
   * Poll an order until its certificate can be collected, with backoff. Only the read operations
   * (getCollectStatus, collect) are repeated; transient failures of a poll are retried a few times.
   */
  async waitForCertificate(orderNumber: number, options: WaitOptions = {}): Promise<CollectedCertificate> {
    const { onPoll } = options;
    return pollWithBackoff<CollectedCertificate>(
      {
        subject: orderNumber,
        operation: 'getCollectStatus',
        isTransient,
        onPoll: onPoll && ((progress) => onPoll({ orderNumber, ...progress })),
        poll: async (signal, answered) => {
          let code: number | undefined;
          if (options.pollWith !== 'collect') answered((code = await this.getCollectStatus(orderNumber, { signal })));
          if (options.pollWith === 'collect' || (code ?? 0) > 0) {
            const outcome = await this.collect(orderNumber, { signal });
            if (outcome.ready) return { ready: true, value: outcome.certificate };
            answered(outcome.code);
          }
          return { ready: false };
        },
      },
      options,
    );
  }

  /** enroll once, then waitForCertificate. Errors after enrollment carry `orderNumber`. */
  async enrollAndCollect(request: EnrollRequest, options: EnrollAndCollectOptions = {}): Promise<EnrolledCertificate> {
    const orderNumber = await this.enroll(request, { signal: options.signal });
    options.onEnrolled?.(orderNumber);
    const certificate = await this.waitForCertificate(orderNumber, options);
    return { ...certificate, orderNumber };
  }
}
