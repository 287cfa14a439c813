export { ALL_CHECKS, checkApi, checksFor, ConformanceConfigError, runConformance } from './runner.js';
export type { CheckResult, CheckStatus, ConformanceOptions, ConformanceReport } from './runner.js';
export { CHECK_TAGS } from './check.js';
export type { AnyCheck, Check, CheckApi, CheckTag, CreatedOrder, RestCheck } from './check.js';
export { formatDrift, wsdlDrift } from './drift.js';
export type { DriftAspect, DriftItem } from './drift.js';
export { fetchWsdl, WsdlFetchError } from './wsdl-fetch.js';
export type { FetchedWsdl } from './wsdl-fetch.js';
export { formatJson, formatJunit, formatTable } from './reports.js';
