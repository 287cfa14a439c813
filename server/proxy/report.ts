import { formatDrift, type DriftItem } from '../../client/conformance/drift.js';
import { writeFileDurably, writeFileDurablyAsync } from '../ca/durable-file.js';
import type { WireProfileFile } from '../profile-file.js';
import { FINDING_CLASSES, type Finding } from './findings.js';

/**
 * `--report FILE`: the proxy's findings as Markdown, and the same as JSON in FILE.json (FILE with .md replaced,
 * or .json appended). Both are replaced whole (temporary file, fsync, rename), so a reader never sees half a
 * report; the observer rewrites them at most every PERSIST_EVERY_MS while exchanges arrive, and at exit.
 */

export interface ReportState {
  upstream: string;
  startedAt: string;
  updatedAt: string;
  /** the wire profile the upstream is compared with */
  comparedWith: Record<string, unknown>;
  exchanges: { total: number; byOperation: Record<string, number>; failed: number; notAnalysed: number };
  recording?: { dir: string; written: number; dropped: number; kept: readonly string[] };
  wsdl: { url: string; fetchedAt?: string; error?: string; drift: DriftItem[] };
  findings: Finding[];
  /** distinct findings not kept (the cap was reached) */
  overflow: number;
  profile?: WireProfileFile;
}

export function jsonReportPath(file: string): string {
  return file.endsWith('.md') ? file.slice(0, -3) + '.json' : file + '.json';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

export function renderMarkdown(r: ReportState): string {
  const lines = [
    '# ccm-mock proxy report',
    '',
    `Upstream ${code(r.upstream)}, observed from ${r.startedAt} to ${r.updatedAt}. Compared with the mock's wire profile: ${Object.entries(
      r.comparedWith,
    )
      .map(([k, v]) => `${k} ${code(String(v))}`)
      .join(', ')}.`,
    '',
    `Exchanges: ${r.exchanges.total}${
      Object.keys(r.exchanges.byOperation).length
        ? ` (${Object.entries(r.exchanges.byOperation)
            .map(([op, n]) => `${op} ${n}`)
            .join(', ')})`
        : ''
    }; answered by the proxy because the upstream failed: ${r.exchanges.failed}; not analysed: ${r.exchanges.notAnalysed}.`,
  ];
  if (r.recording)
    lines.push(
      '',
      `Recorded into ${code(r.recording.dir)}: ${r.recording.written} exchanges${r.recording.dropped ? `, ${r.recording.dropped} dropped (the disk did not keep up)` : ''}; kept unredacted: ${r.recording.kept.length ? r.recording.kept.join(', ') : 'nothing'} (password and secretKey are always redacted).`,
    );

  lines.push('', '## Findings', '');
  if (!r.findings.length) lines.push('None: everything observed matches the mock.');
  for (const [cls, meaning] of Object.entries(FINDING_CLASSES)) {
    const of = r.findings.filter((f) => f.class === cls);
    if (!of.length) continue;
    lines.push(
      `### ${cls}`,
      '',
      `${meaning}.`,
      '',
      '| seen | first / last | operation | direction | what | mock / upstream | fix |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const f of of)
      lines.push(
        `| ${f.count} | ${f.firstSeen} / ${f.lastSeen} | ${f.operation ?? '-'} | ${f.direction} | ${cell(f.summary)}${f.exchanges.length ? ` (exchange ${f.exchanges.join(', ')})` : ''} | ${f.mock !== undefined || f.upstream !== undefined ? cell(`${f.mock ?? '-'} / ${f.upstream ?? '-'}`) : '-'} | ${f.fix ? cell(f.fix) : '-'} |`,
      );
    const excerpts = of.filter((f) => f.excerpt);
    if (excerpts.length) {
      lines.push('', 'Excerpts (redacted):', '');
      for (const f of excerpts)
        lines.push(`- ${cell(f.summary)}:`, '', '  ```xml', `  ${f.excerpt!.replace(/\r?\n/g, '\n  ')}`, '  ```', '');
    }
    lines.push('');
  }
  if (r.overflow)
    lines.push(
      `${r.overflow} more distinct findings were seen and not kept (the report keeps the first ${r.findings.length}).`,
      '',
    );

  lines.push("## The upstream's WSDL", '');
  if (r.wsdl.error) lines.push(`${code(r.wsdl.url)} could not be compared: ${r.wsdl.error}`);
  else if (!r.wsdl.fetchedAt) lines.push(`${code(r.wsdl.url)} has not been fetched yet.`);
  else if (!r.wsdl.drift.length)
    lines.push(`${code(r.wsdl.url)} (fetched ${r.wsdl.fetchedAt}) matches wsdl/EPKIManager.wsdl structurally.`);
  else {
    lines.push(`${code(r.wsdl.url)} (fetched ${r.wsdl.fetchedAt}) differs from wsdl/EPKIManager.wsdl:`, '', '```');
    lines.push(...formatDrift(r.wsdl.drift, 'the upstream'));
    lines.push('```');
  }

  lines.push('', '## Learned wire profile', '');
  const settings = r.profile ? Object.entries(r.profile.settings) : [];
  if (!settings.length) lines.push('Nothing learned yet: no exchange carried evidence for a wire-profile setting.');
  else {
    lines.push('| setting | value | observations | contradicting | first / last |', '| --- | --- | --- | --- | --- |');
    for (const [name, value] of settings) {
      const e = r.profile!.evidence[name as keyof WireProfileFile['evidence']]!;
      lines.push(
        `| ${name} | ${code(JSON.stringify(value))} | ${e.observations} | ${e.contradicting} | ${e.firstSeen} / ${e.lastSeen} |`,
      );
    }
    lines.push(
      '',
      'Settings not listed were not observed; `ccm-mock serve --profile FILE` keeps its own value for them.',
    );
  }
  return lines.join('\n') + '\n';
}

export function renderJson(r: ReportState): string {
  return JSON.stringify({ format: 'ccm-mock-proxy-report', version: 1, ...r }, null, 2) + '\n';
}

/** Both files of the report, each replaced whole. */
export function writeReport(file: string, state: ReportState): void {
  writeFileDurably(file, renderMarkdown(state));
  writeFileDurably(jsonReportPath(file), renderJson(state));
}

/** `writeReport` off the event loop (rendering stays on it: the state is read as it is now). */
export async function writeReportAsync(file: string, state: ReportState): Promise<void> {
  const markdown = renderMarkdown(state);
  const json = renderJson(state);
  await writeFileDurablyAsync(file, markdown);
  await writeFileDurablyAsync(jsonReportPath(file), json);
}
