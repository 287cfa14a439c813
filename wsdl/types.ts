import type { OperationName } from './contract.js';

/**
 * TypeScript shapes of the EPKIManager messages, as wsdl/EPKIManager.wsdl declares them.
 * Every argument is optional because the wire allows it (JAX-WS maps boxed Integer, String and object
 * parameters to minOccurs="0"); a missing element arrives as undefined and the domain answers it.
 * test/contract.test.ts keeps these names equal to the WSDL's.
 */

export interface AuthData {
  login?: string;
  password?: string;
  customerLoginUri?: string;
}

export interface KeyUsage {
  code: number;
  name?: string;
}

export interface ExtKeyUsage {
  /** the OID */
  code?: string;
  name?: string;
}

export interface KUTemplate {
  shortName?: string;
  description?: string;
  keyUsages?: KeyUsage[];
  extKeyUsages?: ExtKeyUsage[];
}

export interface EnrollArgs {
  authData?: AuthData;
  orgId?: number;
  secretKey?: string;
  username?: string;
  email?: string;
  csr?: string;
}

export interface EnrollUsingKUTemplatesArgs extends EnrollArgs {
  kuTemplate?: KUTemplate[];
}

export interface GetCollectStatusArgs {
  authData?: AuthData;
  orderNumber?: number;
}

export type CollectArgs = GetCollectStatusArgs;

export interface RevokeArgs {
  authData?: AuthData;
  orderNumber?: number;
  reason?: string;
}

export interface RevokeBySerialNumberArgs {
  authData?: AuthData;
  serialNumber?: string;
  reason?: string;
}

export interface RevokeAllByPersonArgs {
  authData?: AuthData;
  email?: string;
  org?: string;
  dep?: string;
}

export interface GetKUTemplatesArgs {
  authData?: AuthData;
}

export type GetWebServiceInfoArgs = Record<string, never>;

export interface SMIMECollectResponse {
  statusCode: number;
  certificate?: string;
}

export interface OperationArgs {
  enroll: EnrollArgs;
  enrollUsingKUTemplates: EnrollUsingKUTemplatesArgs;
  getCollectStatus: GetCollectStatusArgs;
  collect: CollectArgs;
  revoke: RevokeArgs;
  revokeBySerialNumber: RevokeBySerialNumberArgs;
  revokeAllByPerson: RevokeAllByPersonArgs;
  getKUTemplates: GetKUTemplatesArgs;
  getWebServiceInfo: GetWebServiceInfoArgs;
}

export interface OperationResults {
  enroll: number;
  enrollUsingKUTemplates: number;
  getCollectStatus: number;
  collect: SMIMECollectResponse;
  revoke: number;
  revokeBySerialNumber: number;
  revokeAllByPerson: number;
  getKUTemplates: KUTemplate[];
  getWebServiceInfo: string;
}

// compile-time check that both maps cover exactly the contract's operations
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const OPERATION_TYPES_COVER_CONTRACT: [
  Exact<keyof OperationArgs, OperationName>,
  Exact<keyof OperationResults, OperationName>,
] = [true, true];
