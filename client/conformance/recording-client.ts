import type { OperationName } from '../../wsdl/contract.js';
import type { OperationArgs, OperationResults } from '../../wsdl/types.js';
import { CcmClient, type CcmClientOptions, type EnrollRequest } from '../client.js';
import { CcmAbortError, CcmTransportError } from '../errors.js';
import type { CallOptions } from '../soap.js';

/**
 * The client the checks get: every order an enroll creates is reported, whichever check sends it and by
 * whichever method (enroll, enrollUsingKUTemplates, raw call), so the run can list and revoke it. A check
 * cannot leak an order by going around ctx.enroll.
 */

export interface EnrollRecorder {
  created(orderNumber: number, email: string): void;
  /** an enroll was sent but its answer never came: it may have created an order nobody knows the number of */
  lost(email: string, error: CcmTransportError | CcmAbortError): void;
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
    if ((err instanceof CcmTransportError || err instanceof CcmAbortError) && err.details.mayHaveReachedService)
      this.recorder.lost(email, err);
  }
}
