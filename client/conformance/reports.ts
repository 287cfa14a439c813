import { escapeXml } from '../../wsdl/xml.js';
import { formatDrift } from './drift.js';
import type { CheckResult, CheckStatus, ConformanceReport } from './runner.js';

/** The three shapes of a conformance run: a table for people, JUnit XML for CI, JSON for scripts. */

const LABEL: Record<CheckStatus, string> = { passed: 'PASS', failed: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

function detailLines(r: CheckResult): string[] {
  const lines = [...(r.status !== 'skipped' && r.message ? [r.message] : []), ...r.details];
  if (r.drift?.length) lines.push(...formatDrift(r.drift));
  return lines;
}

export function formatTable(report: ConformanceReport): string {
  const nameW = Math.max(5, ...report.results.map((r) => r.name.length));
  const guideW = Math.min(34, Math.max(5, ...report.results.map((r) => r.guide.length)));
  const tagW = Math.max(4, ...report.results.map((r) => r.tags.join(',').length));
  const cut = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + '…' : s);
  const out = [
    `ccm conformance: ${report.endpoint}`,
    report.api === 'rest'
      ? `  REST API, run ${report.runId}`
      : `  namespace ${report.namespace} (${report.namespaceSource === 'wsdl' ? "from the endpoint's WSDL" : report.namespaceSource === 'option' ? 'as given' : 'default: the WSDL could not be read'}), run ${report.runId}`,
    '',
    `  ${'result'.padEnd(6)}  ${'check'.padEnd(nameW)}  ${'guide'.padEnd(guideW)}  ${'tags'.padEnd(tagW)}  time`,
  ];
  for (const r of report.results) {
    const time = r.status === 'skipped' ? (r.message ?? '') : ms(r.durationMs);
    out.push(
      `  ${LABEL[r.status].padEnd(6)}  ${r.name.padEnd(nameW)}  ${cut(r.guide, guideW).padEnd(guideW)}  ${r.tags.join(',').padEnd(tagW)}  ${time}`,
    );
    for (const line of detailLines(r)) out.push(...line.split('\n').map((l) => `          ${l}`));
  }
  const s = report.summary;
  out.push(
    '',
    `  ${s.total} checks: ${s.passed} passed, ${s.failed} failed, ${s.error} errors, ${s.skipped} skipped${report.interrupted ? '  -> INTERRUPTED' : report.ok ? '' : '  -> NOT CONFORMANT'}`,
  );
  if (report.created.length) {
    out.push('', `  orders created by this run (${report.created.length}):`);
    for (const o of report.created)
      out.push(
        `    ${o.backendCertId ?? o.orderNumber}  ${o.email}  (${o.check})  ${o.revoked ? (o.cleanup ?? 'revoked by its check') : (o.cleanup ?? 'not revoked')}`,
      );
  }
  return out.join('\n') + '\n';
}

export function formatJunit(report: ConformanceReport): string {
  const a = (s: string) => escapeXml(s);
  const s = report.summary;
  const secs = (n: number) => (n / 1000).toFixed(3);
  const cases = report.results.map((r) => {
    const lines = detailLines(r);
    const body: string[] = [];
    if (r.status === 'skipped') body.push(`<skipped message="${a(r.message ?? '')}"/>`);
    else if (r.status === 'failed')
      body.push(
        `<failure message="${a(r.message ?? 'failed')}" type="${r.drift?.length ? (r.api === 'rest' ? 'rest-drift' : 'wsdl-drift') : 'conformance'}">${a(lines.join('\n'))}</failure>`,
      );
    else if (r.status === 'error')
      body.push(`<error message="${a(r.message ?? 'error')}" type="error">${a(lines.join('\n'))}</error>`);
    else if (lines.length) body.push(`<system-out>${a(lines.join('\n'))}</system-out>`);
    return `    <testcase classname="ccm.conformance.${r.api === 'rest' ? 'rest.' : ''}${a(r.tags[0] ?? 'check')}" name="${a(`${r.name}: ${r.title} (guide ${r.guide})`)}" time="${secs(r.durationMs)}">${body.join('')}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ccm conformance" tests="${s.total}" failures="${s.failed}" errors="${s.error}" skipped="${s.skipped}" time="${secs(report.durationMs)}">`,
    `  <testsuite name="ccm conformance ${a(report.endpoint)}" tests="${s.total}" failures="${s.failed}" errors="${s.error}" skipped="${s.skipped}" time="${secs(report.durationMs)}" timestamp="${a(report.startedAt.replace(/\.\d+Z$/, ''))}">`,
    '    <properties>',
    `      <property name="endpoint" value="${a(report.endpoint)}"/>`,
    `      <property name="api" value="${report.api}"/>`,
    ...(report.namespace !== undefined ? [`      <property name="namespace" value="${a(report.namespace)}"/>`] : []),
    `      <property name="runId" value="${a(report.runId)}"/>`,
    ...report.created.map(
      (o) =>
        `      <property name="created-order" value="${a(o.backendCertId ?? String(o.orderNumber))} ${a(o.email)} ${a(o.revoked ? 'revoked' : 'not revoked')}"/>`,
    ),
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function formatJson(report: ConformanceReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
