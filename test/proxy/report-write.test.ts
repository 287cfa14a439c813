import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonReportPath, writeReport, writeReportAsync, type ReportState } from '../../server/proxy/report.js';
import { tempDir } from '../support/openssl.js';

/** The periodic rewrite (off the event loop) writes the same two files as the one at exit, whole, over old ones. */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const state = (total: number): ReportState => ({
  upstream: 'http://upstream.test/ws/EPKIManager',
  startedAt: new Date(0).toISOString(),
  updatedAt: new Date(1000).toISOString(),
  comparedWith: { namespace: 'http://ws.epki.comodo.com/' },
  exchanges: { total, byOperation: { collect: total }, failed: 0, notAnalysed: 0 },
  wsdl: { url: 'http://upstream.test/ws/EPKIManager?wsdl', drift: [] },
  findings: [],
  overflow: 0,
});

describe('writing the report', () => {
  it('writeReportAsync writes what writeReport writes, replacing the files whole and leaving no temporary file', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const sync = join(dir, 'sync.md');
    const async = join(dir, 'async.md');
    writeReport(sync, state(1));
    writeReport(async, state(12345)); // what the background write replaces: longer, so leftovers would show
    await writeReportAsync(async, state(1));
    expect(readFileSync(async, 'utf8')).toBe(readFileSync(sync, 'utf8'));
    expect(readFileSync(jsonReportPath(async), 'utf8')).toBe(readFileSync(jsonReportPath(sync), 'utf8'));
    expect(readdirSync(dir).sort()).toEqual(['async.json', 'async.md', 'sync.json', 'sync.md']);
  });
});
