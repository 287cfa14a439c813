import { renderProxyOverhead, type ProxyOverheadResult } from './proxy-overhead.js';
import type { BigBodyResult } from './hostile.js';
import type { LoadResult } from './load.js';

/** The benchmark's Markdown report, from the same object that is written as JSON. */

export interface StartTiming {
  announcedMs: number;
  firstAnswerMs: number;
  selfReportedMs?: number;
}

export interface BenchResult {
  kind: string;
  startedAt: string;
  finishedAt: string;
  machine: {
    cpuModel: string;
    cpuCount: number;
    memoryBytes: number;
    os: string;
    node: string;
    openssl: string;
    autocannon?: string;
    soap?: string;
    express?: string;
    commit?: string;
    dirty: boolean;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  settings: {
    rounds: number;
    durationSeconds: number;
    connections: number;
    orders: number;
    logLevel?: string;
    delay: string;
    server?: string;
  };
  targets: Array<{ what: string; measured: number; target: number; kind: string; met: boolean }>;
  ratios: Record<string, number>;
  /** the same S/MIME leaf built by ccm-mock's DER writer and by @peculiar/x509 (bench/der-writer.ts), medians */
  issuance: { derWriterPerSecond: number; peculiarPerSecond: number; ratio: number; certificateBytes: number };
  limits: { rsaSignPerSecond: number; rsaKeyBits: number; nodeSoapGetWebServiceInfo: number; expressFloor: number };
  scenarios: Record<
    string,
    { throughput: number; p50Ms: number; p99Ms: number; serverCpuUsPerRequest: number; errors: number }
  >;
  halfPeak: Partial<Record<string, LoadResult & { rate: number }>>;
  rounds: Array<Record<string, unknown>>;
  startup: {
    memoryMode: StartTiming[];
    dataDir: StartTiming[];
    fromSourceWithTsx: StartTiming[];
    readyMsMedian: number;
  };
  memory: {
    orders: number;
    enrolledOk: number;
    ordersStored: number;
    collectOfFirstAndLast: Array<string | undefined>;
    idleRss: number;
    rssAfterOrders: number;
    peakRss: number;
    settledRss: number;
    settledAfterSeconds: number;
    bytesPerOrder: number;
    enrollThroughput: number;
    serverCpuMs: number;
  };
  hostile: {
    nesting100k: { bytes: number; status: number; ms: number; faultcode?: string };
    body50MbContentLength: BigBodyResult;
    body50MbChunked: BigBodyResult;
    stillServing: boolean;
    rssAfter: number;
  };
  /** what ccm-mock proxy adds (absent in results from before it existed) */
  proxy?: ProxyOverheadResult;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');
const ratioX = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)}×` : 'n/a');
const pct = (n: number) => (Number.isFinite(n) ? `${Math.round(n * 100)}%` : 'n/a');
const mb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)} MB` : 'n/a');
const medianOf = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function bigBody(r: BigBodyResult): string {
  if (r.error && r.status === undefined) return `no answer (${r.error})`;
  const sent = r.bytesSentBeforeAnswer ?? 0;
  return `HTTP ${r.status} after ${ms(r.answeredMs ?? NaN)} ms, ${mb(sent)} of ${mb(r.totalBytes)} sent by then`;
}

export function renderMarkdown(r: BenchResult): string {
  const m = r.machine;
  const lines: string[] = [];
  lines.push(`# ccm-mock benchmark${r.kind === 'quick' ? ' (quick run: a harness check, not a result)' : ''}`, '');
  lines.push(
    `Run ${r.startedAt} (${Math.round((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000)} s) by \`npm run bench\` on commit ${m.commit ?? '?'}${m.dirty ? ' (with uncommitted changes)' : ''}${r.settings.server ? `, measuring the build at \`${r.settings.server}\`` : ''}.`,
    '',
    `**Machine:** ${m.cpuCount} × ${m.cpuModel}, ${mb(m.memoryBytes)} RAM, ${m.os}; Node ${m.node} (OpenSSL ${m.openssl}); autocannon ${m.autocannon}, soap ${m.soap}, express ${m.express}.`,
    `The load generators (autocannon for peak throughput, an evenly paced open-loop generator for latency at a rate, both in the benchmark's process) and the server under test share these ${m.cpuCount} cores.`,
    `Load average before/after: ${m.loadAverageBefore.map((x) => x.toFixed(2)).join(' ')} / ${m.loadAverageAfter.map((x) => x.toFixed(2)).join(' ')} (other work on the machine shows up here; the ratios are measured side by side to cancel it out).`,
    '',
    `**Method:** ${r.settings.rounds} interleaved round(s); in each, RSA signing for 2 s, the DER writer against @peculiar/x509 for 2 s, then every scenario for ${r.settings.durationSeconds} s with ${r.settings.connections} connections (keep-alive, no pipelining). Throughputs are medians over rounds; ratios are taken within each round, then the median. ccm-mock runs as \`node dist/server/cli.js serve --delay 0 --log-level ${r.settings.logLevel}\` in memory mode with a CA loaded from files; the baselines are separate processes too.`,
    '',
  );

  lines.push(
    '## Targets (issue 8: ratios to limits measured in the same run)',
    '',
    '| what | measured | target | met |',
    '| --- | ---: | ---: | :---: |',
  );
  for (const t of r.targets) {
    const isRatio = t.kind === 'ratio-min';
    lines.push(
      `| ${t.what} | ${isRatio ? pct(t.measured) : int(t.measured)} | ${isRatio ? `>= ${pct(t.target)}` : `< ${int(t.target)}`} | ${t.met ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('');

  lines.push('## Limits', '', '| limit | per second |', '| --- | ---: |');
  lines.push(
    `| RSA-${r.limits.rsaKeyBits} signatures with the CA's issuing key (node:crypto, one thread) | ${int(r.limits.rsaSignPerSecond)} |`,
  );
  lines.push(`| bare node-soap service, getWebServiceInfo | ${int(r.limits.nodeSoapGetWebServiceInfo)} |`);
  lines.push(
    `| express floor: express 5 + express.raw on the same route, constant answer, no XML (${pct(r.ratios.expressFloorVsNodeSoap)} of node-soap) | ${int(r.limits.expressFloor)} |`,
  );
  lines.push('');

  const is = r.issuance;
  lines.push(
    '## Building certificates: the DER writer vs @peculiar/x509',
    '',
    "| path (one thread, the CA's RSA-2048 key) | certificates per second |",
    '| --- | ---: |',
    `| ccm-mock's DER writer (server/ca/certificate.ts, der.ts; signed through node:crypto) | ${int(is.derWriterPerSecond)} |`,
    `| @peculiar/x509 X509CertificateGenerator (signed through WebCrypto) | ${int(is.peculiarPerSecond)} |`,
    '',
    `The same ${is.certificateBytes}-byte S/MIME leaf both ways (checked byte for byte before timing), built in alternating blocks: the DER writer makes **${ratioX(is.ratio)}** as many (median of the per-round ratios).`,
    '',
  );

  lines.push(
    '## Throughput and latency',
    '',
    '| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const [name, s] of Object.entries(r.scenarios)) {
    lines.push(
      `| ${name} | ${int(s.throughput)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${int(s.serverCpuUsPerRequest)} | ${s.errors} |`,
    );
  }
  lines.push(
    '',
    `ccm-mock getWebServiceInfo reaches ${pct(r.ratios.getWebServiceInfoVsExpressFloor)} of the express floor.`,
    '',
  );

  lines.push(
    '### At half the peak rate',
    '',
    'Requests sent evenly spaced at half the median peak, open loop, over the same connections (a request due while all are busy waits for one, and the wait counts).',
    '',
    '| scenario | offered req/s | answered req/s | p50 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const [name, h] of Object.entries(r.halfPeak)) {
    if (h)
      lines.push(
        `| ${name} | ${int(h.rate)} | ${int(h.throughput)} | ${ms(h.p50Ms)} | ${ms(h.p99Ms)} | ${ms(h.maxMs)} |`,
      );
  }
  lines.push('');

  const st = r.startup;
  lines.push(
    '## Start-up (process spawn to the first answered request)',
    '',
    '| how | median ms | max ms | ccm-mock\'s own "ready in" (median) |',
    '| --- | ---: | ---: | ---: |',
  );
  for (const [how, starts] of [
    ['`node dist/server/cli.js serve` (memory: generates a CA)', st.memoryMode],
    ['`... --data-dir` (CA loaded from the data directory)', st.dataDir],
    ['`node --import tsx server/cli.ts serve` (from source, no build)', st.fromSourceWithTsx],
  ] as const) {
    const self = starts.map((s) => s.selfReportedMs).filter((x): x is number => x !== undefined);
    lines.push(
      `| ${how} | ${int(medianOf(starts.map((s) => s.firstAnswerMs)))} | ${int(Math.max(...starts.map((s) => s.firstAnswerMs)))} | ${self.length ? int(medianOf(self)) : 'n/a'} |`,
    );
  }
  lines.push('');

  const mem = r.memory;
  lines.push(
    `## Memory with ${int(mem.orders)} orders (memory mode)`,
    '',
    `RSS ${mb(mem.idleRss)} idle; ${mb(mem.rssAfterOrders)} right after ${int(mem.enrolledOk)} enrolls (peak ${mb(mem.peakRss)}); **${mb(mem.settledRss)}** once V8 had returned the load's garbage (${mem.settledAfterSeconds} s idle), about ${int(mem.bytesPerOrder)} bytes per order.`,
    `Enrolled at ${int(mem.enrollThroughput)} orders/s; the store then held ${int(mem.ordersStored)} orders; collect of the first and last order answered ${mem.collectOfFirstAndLast.join(' and ')}.`,
    '',
  );

  const h = r.hostile;
  lines.push(
    '## Hostile input against the benchmarked process',
    '',
    `| input | answer |`,
    '| --- | --- |',
    `| 100,000-deep element nesting (${mb(h.nesting100k.bytes)}) | HTTP ${h.nesting100k.status} ${h.nesting100k.faultcode ?? ''} in ${ms(h.nesting100k.ms)} ms |`,
    `| 50 MB body with Content-Length | ${bigBody(h.body50MbContentLength)} |`,
    `| 50 MB body, chunked | ${bigBody(h.body50MbChunked)} |`,
    '',
    `Still serving afterwards: ${h.stillServing ? 'yes' : '**no**'}; RSS then ${mb(h.rssAfter)}.`,
    '',
  );
  if (r.proxy) lines.push(...renderProxyOverhead(r.proxy));
  lines.push(
    'Reproduce: `npm ci && npm run bench` (about 10 minutes on 2 cores; `npm run bench -- --help` for options).',
    '',
  );
  return lines.join('\n');
}
