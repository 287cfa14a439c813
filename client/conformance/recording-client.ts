import type { OperationName } from '../../wsdl/contract.js';
import type { OperationArgs, OperationResults } from '../../wsdl/types.js';
import type { RestOperationName } from '../../wsdl/rest/index.js';
import { CcmClient, type CcmClientOptions, type EnrollRequest } from '../client.js';
import { CcmAbortError, CcmTransportError } from '../errors.js';
import { CcmRestClient, type CcmRestClientOptions, type RestEnrolled, type RestEnrollRequest } from '../rest-client.js';
import type { RestRequest, RestResponse } from '../rest-transport.js';
import type { CallOptions } from '../soap.js';

/**
 * The clients the checks get: every order an enroll (REST: or a renew) creates is reported, whichever check
 * sends it and by whichever method (enroll, enrollUsingKUTemplates, renew, a raw call), so the run can list and
 * revoke it. A check cannot leak an order by going around ctx.enroll. (REST's replace answers no id: no check
 * calls it.)
 */

export interface EnrollRecorder {
  /** `backendCertId`: REST's id of the order */
  created(orderNumber: number, email: string, backendCertId?: string): void;
  /** an enroll was sent but its answer never came: it may have created an order nobody knows the number of */
  lost(email: string, error: CcmTransportError | CcmAbortError): void;
}

/** An enroll sent whose answer never came: it may have created an order. */
function reportLost(recorder: EnrollRecorder, email: string, err: unknown): void {
  if ((err instanceof CcmTransportError || err instanceof CcmAbortError) && err.details.mayHaveReachedService)
    recorder.lost(email, err);
}

const ENROLLS: ReadonlySet<OperationName> = new Set(['enroll', 'enrollUsingKUTemplates']);

export class RecordingClient extends CcmClient {
  constructor(
    options: CcmClientOptions,
    private readonly recorder: EnrollRecorder,
  ) {
    super(options);
  }

  // enrollUsingKUTemplates goes through enroll
  override async enroll(request: EnrollRequest, options?: CallOptions): Promise<number> {
    try {
      const orderNumber = await super.enroll(request, options);
      this.recorder.created(orderNumber, request.email);
      return orderNumber;
    } catch (err) {
      this.lostAnswer(request.email, err);
      throw err;
    }
  }

  override async call<K extends OperationName>(
    operation: K,
    args: OperationArgs[K],
    options?: CallOptions,
  ): Promise<OperationResults[K] | undefined> {
    if (!ENROLLS.has(operation)) return super.call(operation, args, options);
    const email = (args as { email?: string }).email ?? '';
    try {
      const value = await super.call(operation, args, options);
      if (typeof value === 'number' && value > 0) this.recorder.created(value, email);
      return value;
    } catch (err) {
      this.lostAnswer(email, err);
      throw err;
    }
  }

  private lostAnswer(email: string, err: unknown): void {
    reportLost(this.recorder, email, err);
  }
}

/** The REST operations that create an order and answer its ids. */
const REST_CREATES: ReadonlySet<RestOperationName> = new Set([
  'smime.enroll',
  'smime.renewByOrder',
  'smime.renewBySerial',
]);

export class RecordingRestClient extends CcmRestClient {
  constructor(
    options: CcmRestClientOptions,
    private readonly recorder: EnrollRecorder,
  ) {
    super(options);
  }

  override async enroll(request: RestEnrollRequest, options?: CallOptions): Promise<RestEnrolled> {
    return this.recorded(request.email, () => super.enroll(request, options));
  }

  override renewByOrder(backendCertId: string | number, options?: CallOptions): Promise<RestEnrolled> {
    return this.recorded(`renewal of ${backendCertId}`, () => super.renewByOrder(backendCertId, options));
  }

  override renewBySerial(serial: string, options?: CallOptions): Promise<RestEnrolled> {
    return this.recorded(`renewal of serial ${serial}`, () => super.renewBySerial(serial, options));
  }

  override async request(operation: RestOperationName, req?: RestRequest): Promise<RestResponse> {
    if (!REST_CREATES.has(operation)) return super.request(operation, req);
    const email = (req?.body as { email?: string } | undefined)?.email ?? `${operation} ${JSON.stringify(req?.params)}`;
    let res: RestResponse;
    try {
      res = await super.request(operation, req);
    } catch (err) {
      this.lostAnswer(email, err);
      throw err;
    }
    const { orderNumber, backendCertId } = (res.json ?? {}) as { orderNumber?: unknown; backendCertId?: unknown };
    if (typeof backendCertId === 'string' || typeof backendCertId === 'number')
      this.recorder.created(
        typeof orderNumber === 'number' ? orderNumber : Number(backendCertId),
        email,
        String(backendCertId),
      );
    return res;
  }

  private async recorded(email: string, send: () => Promise<RestEnrolled>): Promise<RestEnrolled> {
    try {
      const enrolled = await send();
      this.recorder.created(enrolled.orderNumber, email, enrolled.backendCertId);
      return enrolled;
    } catch (err) {
      this.lostAnswer(email, err);
      throw err;
    }
  }

  private lostAnswer(email: string, err: unknown): void {
    reportLost(this.recorder, email, err);
  }
}
