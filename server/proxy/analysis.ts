import type { DriftItem } from '../../client/conformance/drift.js';
import type { SchemaModel } from '../../wsdl/schema-model.js';
import type { MockConfig } from '../config.js';
import type { ProfileSettingName } from '../profile-file.js';
import type { FindingInput } from './findings.js';
import type { Exchange } from './http.js';
import type { Redactor } from './redaction.js';

/**
 * Checking an exchange against the contract and the mock's wire profile, both directions: what differs
 * becomes findings (findings.ts), and what the exchange shows about a wire-profile setting becomes an
 * observation for the learned profile (learner.ts).
 */

/** The wire profile the upstream is compared with: the mock's, as `ccm-mock serve` would run with these keys. */
export type ExpectedProfile = Pick<
  MockConfig,
  'namespace' | 'certificateFormat' | 'strict' | 'acceptUriAlias' | 'serviceInfo' | 'validityDays'
>;

export type Observation = [ProfileSettingName, unknown];

export interface Analysed {
  findings: FindingInput[];
  observations: Observation[];
  /** the messages could not be analysed (not inflatable, too large) */
  skipped: boolean;
}

export interface AnalysisContext {
  expected: ExpectedProfile;
  redactor: Redactor;
}

/** Metro's Content-Type for SOAP 1.1 answers, as the mock writes it. */
const METRO_CONTENT_TYPE = 'text/xml;charset=utf-8';

export function analyseExchange(
  _ctx: AnalysisContext,
  ex: Exchange,
  request: Buffer | undefined,
  response: Buffer | undefined,
  redacted: { request?: string; response?: string },
): Analysed {
  const findings: FindingInput[] = [];
  const observations: Observation[] = [];
  if (ex.error) {
    findings.push({
      class: 'transport',
      direction: 'exchange',
      summary: ex.error.kind,
      upstream: ex.error.message,
    });
    return { findings, observations, skipped: false };
  }
  const contentType = String(ex.response.headers['content-type'] ?? '');
  const text = redacted.response ?? '';
  if (!/xml/i.test(contentType) || !/^\s*(\uFEFF)?</.test(text)) {
    findings.push({
      class: 'not-soap',
      direction: 'response',
      summary: `HTTP ${ex.response.status} ${contentType || '(no Content-Type)'}${text ? '' : ', empty body'}`,
      excerpt: text.slice(0, 300),
    });
    return { findings, observations, skipped: request === undefined && response === undefined };
  }
  if (contentType !== METRO_CONTENT_TYPE)
    findings.push({
      class: 'content-type',
      direction: 'response',
      summary: 'Content-Type of an answer',
      mock: METRO_CONTENT_TYPE,
      upstream: contentType,
    });
  return { findings, observations, skipped: false };
}

/** Findings from the structural diff of the upstream's WSDL, and the namespace it shows. */
export function wsdlFindings(
  drift: readonly DriftItem[],
  model: SchemaModel,
  expected: ExpectedProfile,
): { findings: FindingInput[]; observations: Observation[] } {
  // the drift compares with the contract file; the namespace is compared with the profile instead
  const findings: FindingInput[] = drift
    .filter((d) => d.path !== 'targetNamespace')
    .map((d) => ({
      class: d.aspect === 'namespace' ? 'namespace' : 'wsdl-drift',
      direction: 'wsdl',
      summary: `${d.aspect}: ${d.path}`,
      mock: d.expected,
      upstream: d.actual,
      fix: d.fix,
    }));
  if (model.targetNamespace !== expected.namespace)
    findings.unshift({
      class: 'namespace',
      direction: 'wsdl',
      summary: "the WSDL's targetNamespace",
      mock: expected.namespace,
      upstream: model.targetNamespace,
      fix: NAMESPACE_FIX(model.targetNamespace),
    });
  return { findings, observations: [['namespace', model.targetNamespace]] };
}

const NAMESPACE_FIX = (ns: string) =>
  `serve the mock with --namespace ${ns} (CCM_MOCK_NAMESPACE) or --profile with the learned profile; clients: ccm --namespace, CcmClient { namespace }`;
