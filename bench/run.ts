import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../wsdl/paths.js';
import { postBigBody, timedPost } from './lib/hostile.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { runPaced } from './lib/paced.js';
import { cpuMsOf, memoryOf, startProcess, type Started } from './lib/processes.js';
import type { IssuanceComparison } from './lib/issuance.js';
import { measureProxyOverhead, renderProxyOverhead, type ProxyOverheadResult } from './lib/proxy-overhead.js';
import { renderMarkdown, type BenchResult } from './lib/report.js';

/**
 * `npm run bench`: ccm-mock as users run it (a separate `ccm-mock serve` process, built JavaScript),
 * driven over HTTP by autocannon, next to the limits that bound it, measured in the same run on the
 * same machine: RSA-2048 signatures per second with the CA's key (node:crypto) and a bare node-soap
 * service answering the same getWebServiceInfo. Scenarios are measured in interleaved rounds (each
 * round runs every scenario once) so that a burst of outside load hits all of them alike; ratios are
 * taken per round and the median is reported. Writes bench/results/latest.{md,json}.
 */

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    orders: { type: 'string' },
    out: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    'skip-build': { type: 'boolean', default: false },
    server: { type: 'string' },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  console.log(`Usage: npm run bench -- [options]
  --quick            short run (1 round of 2 s, 5,000 orders) to check the harness; results go to bench/results/quick.*
  --rounds N         interleaved measurement rounds (default 3)
  --duration S       seconds per scenario per round (default 5)
  --connections N    concurrent connections of the load generator (default 10)
  --orders N         orders enrolled for the memory measurement (default 100000)
  --log-level L      ccm-mock's log level while measured (default info, as users run it)
  --out DIR          where to write the results (default bench/results)
  --skip-build       use dist/ as it is
  --server FILE      the ccm-mock CLI to measure (default dist/server/cli.js; e.g. another build, to compare)
  --only proxy       only the proxy overhead section (results go to bench/results/proxy.*)`);
  process.exit(0);
}

const quick = flags.quick;
const ROUNDS = Number(flags.rounds ?? (quick ? 1 : 3));
const DURATION = Number(flags.duration ?? (quick ? 2 : 5));
const CONNECTIONS = Number(flags.connections ?? 10);
const ORDERS = Number(flags.orders ?? (quick ? 5_000 : 100_000));
const STARTS = quick ? 2 : 5;
const outDir = flags.out ?? join(packageRoot, 'bench', 'results');
const outName = flags.only === 'proxy' ? 'proxy' : quick ? 'quick' : 'latest';
if (flags.only !== undefined && flags.only !== 'proxy') {
  console.error(`--only takes proxy, not ${flags.only}`);
  process.exit(2);
}

const TARGETS = {
  getWebServiceInfoVsNodeSoap: 0.7,
  collectVsNodeSoap: 0.6,
  enrollVsRsaSign: 0.4,
  p99AtHalfPeakMs: 25,
  readyMs: 1000,
  rssAfterOrdersBytes: 400 * 1024 * 1024,
};

const log = (line: string) => console.error(`[bench] ${line}`);
const median = (xs: number[]) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---- requests ----

const NS = 'http://ws.epki.comodo.com/';
const AUTH =
  '<authData><login>admin</login><password>sandbox</password><customerLoginUri>sandbox</customerLoginUri></authData>';
const soap = (op: string, inner = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body><ns0:${op} xmlns:ns0="${NS}">${inner}</ns0:${op}></soap-env:Body></soap-env:Envelope>`;
const CSR = readFileSync(join(packageRoot, 'fixtures', 'csr', 'rsa-2048.csr'), 'utf8');
const enrollBody = (email: string) =>
  soap(
    'enroll',
    `${AUTH}<orgId>1001</orgId><secretKey>sandbox-secret</secretKey><username>Bench User</username><email>${email}</email><csr>${CSR}</csr>`,
  );
const collectBody = (orderNumber: number) => soap('collect', `${AUTH}<orderNumber>${orderNumber}</orderNumber>`);
const GWSI = soap('getWebServiceInfo');

async function soapCall(endpoint: string, body: string): Promise<{ status: number; text: string; ret?: string }> {
  const res = await fetch(endpoint, { method: 'POST', body, headers: { 'content-type': 'text/xml; charset=utf-8' } });
  const text = await res.text();
  return { status: res.status, text, ret: /<statusCode>([^<]*)/.exec(text)?.[1] ?? /<return>([^<]*)/.exec(text)?.[1] };
}

async function enrollOne(endpoint: string, email: string): Promise<number> {
  const r = await soapCall(endpoint, enrollBody(email));
  const n = Number(r.ret);
  if (r.status !== 200 || !(n > 0))
    throw new Error(`enroll did not give an order number: ${r.status} ${r.text.slice(0, 400)}`);
  return n;
}

// ---- processes ----

const node = process.execPath;
const cli = flags.server ?? join(packageRoot, 'dist', 'server', 'cli.js');
const BANNER = /endpoint\s+(http\S+)/;
const LISTENING = /listening (http\S+)/;

function ccmMock(extra: string[], logLevel = flags['log-level']): Promise<Started> {
  return startProcess(
    node,
    [cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--delay', '0', '--log-level', logLevel, ...extra],
    BANNER,
    {
      cwd: packageRoot,
    },
  );
}

function ccmProxy(args: string[]): Promise<Started> {
  return startProcess(
    node,
    [cli, 'proxy', '--port', '0', '--host', '127.0.0.1', '--log-level', flags['log-level'], ...args],
    BANNER,
    { cwd: packageRoot },
  );
}

/** The proxy section: a ccm-mock upstream, and the proxy in front of it. */
async function proxySection(upstream: Started, work: string, collectOrder: number): Promise<ProxyOverheadResult> {
  log('proxy overhead: direct vs through ccm-mock proxy');
  return measureProxyOverhead({
    upstream,
    startProxy: ccmProxy,
    startFloor: (endpoint) => tsProcess('relay-floor.ts', [endpoint]),
    work,
    rounds: ROUNDS,
    duration: DURATION,
    connections: CONNECTIONS,
    bodies: { getWebServiceInfo: GWSI, collect: collectBody(collectOrder) },
    log,
  });
}

function tsProcess(file: string, args: string[] = []): Promise<Started> {
  return startProcess(node, ['--import', 'tsx', join(packageRoot, 'bench', file), ...args], LISTENING, {
    cwd: packageRoot,
  });
}

/** Spawn to first answered request, with the banner's own figure when it prints one. */
async function timeStart(
  command: string,
  args: string[],
): Promise<{ announcedMs: number; firstAnswerMs: number; selfReportedMs?: number }> {
  const t0 = performance.now();
  const p = await startProcess(command, args, BANNER, { cwd: packageRoot });
  try {
    const res = await fetch(p.endpoint + '?wsdl');
    await res.text();
    if (res.status !== 200) throw new Error(`?wsdl answered ${res.status}`);
    const firstAnswerMs = performance.now() - t0;
    const self = /ready in (\d+) ms/.exec(p.output())?.[1];
    return { announcedMs: p.announcedMs, firstAnswerMs, ...(self ? { selfReportedMs: Number(self) } : {}) };
  } finally {
    await p.stop();
  }
}

function machine() {
  const cpu = cpus();
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: packageRoot, encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  };
  const pkg = (name: string) => {
    try {
      const manifest = JSON.parse(readFileSync(join(packageRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
        version?: string;
      };
      return manifest.version;
    } catch {
      return undefined;
    }
  };
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cpuCount: cpu.length,
    memoryBytes: totalmem(),
    os: `${process.platform} ${release()}`,
    node: process.version,
    openssl: process.versions.openssl,
    autocannon: pkg('autocannon'),
    soap: pkg('soap'),
    express: pkg('express'),
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
  };
}

// ---- the run ----

/** `--only proxy`: the proxy section alone, with the machine it ran on. */
async function proxyOnly(startedAt: Date): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'ccm-mock-bench-'));
  const loadBefore = loadavg();
  const upstream = await ccmMock([]);
  try {
    const order = await enrollOne(upstream.endpoint, 'bench.collect@example.com');
    const proxy = await proxySection(upstream, work, order);
    const result = {
      kind: 'proxy',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
      proxy,
    };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `${outName}.json`), JSON.stringify(result, null, 2) + '\n');
    const m = result.machine;
    const md = [
      '# ccm-mock benchmark: proxy overhead only (`npm run bench -- --only proxy`)',
      '',
      `Run ${result.startedAt} on commit ${m.commit ?? '?'}${m.dirty ? ' (with uncommitted changes)' : ''}; ${m.cpuCount} × ${m.cpuModel}, Node ${m.node}. Load average before/after: ${m.loadAverageBefore.map((x) => x.toFixed(2)).join(' ')} / ${m.loadAverageAfter.map((x) => x.toFixed(2)).join(' ')}: the load generator, the upstream and the proxy share these cores with whatever else runs.`,
      '',
      ...renderProxyOverhead(proxy),
    ].join('\n');
    writeFileSync(join(outDir, `${outName}.md`), md);
    console.log(md);
    log(`wrote ${join(outDir, outName)}.{md,json}`);
  } finally {
    await upstream.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  const startedAt = new Date();
  if (!flags['skip-build']) {
    log('building dist/ (npm run build)');
    execFileSync('npm', ['run', 'build'], { cwd: packageRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (flags.only === 'proxy') {
    await proxyOnly(startedAt);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'ccm-mock-bench-'));
  const dataDir = join(work, 'data');
  const loadBefore = loadavg();
  const running: Started[] = [];

  try {
    // -- start-up --
    log(`start-up: ${STARTS} starts each way`);
    const memoryStarts = [];
    for (let i = 0; i < STARTS; i++)
      memoryStarts.push(
        await timeStart(node, [cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--log-level', 'info']),
      );
    await timeStart(node, [cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir]); // makes the CA kept below
    const dataDirStarts = [];
    for (let i = 0; i < STARTS; i++)
      dataDirStarts.push(
        await timeStart(node, [cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir]),
      );
    const tsxStarts = [];
    for (let i = 0; i < Math.min(STARTS, 3); i++) {
      tsxStarts.push(
        await timeStart(node, [
          '--import',
          'tsx',
          join(packageRoot, 'server', 'cli.ts'),
          'serve',
          '--port',
          '0',
          '--host',
          '127.0.0.1',
        ]),
      );
    }
    const caFiles = [
      '--ca-root-cert',
      join(dataDir, 'ca', 'root.pem'),
      '--ca-cert',
      join(dataDir, 'ca', 'intermediate.pem'),
      '--ca-key',
      join(dataDir, 'ca', 'intermediate.key'),
    ];

    // -- the servers under load: ccm-mock in memory mode with the kept CA, node-soap, the express floor --
    log('starting ccm-mock, the node-soap baseline and the express floor');
    const ccm = await ccmMock(caFiles);
    running.push(ccm);
    const nodeSoap = await tsProcess('node-soap-baseline.ts');
    running.push(nodeSoap);
    const floor = await tsProcess('express-floor.ts');
    running.push(floor);

    // every scenario's request is checked once before it is timed
    const collectOrder = await enrollOne(ccm.endpoint, 'bench.collect@example.com');
    const collected = await soapCall(ccm.endpoint, collectBody(collectOrder));
    if (collected.ret !== '1' || !collected.text.includes('<certificate>'))
      throw new Error(`collect did not answer a certificate: ${collected.text.slice(0, 400)}`);
    for (const [name, p] of [
      ['ccm-mock', ccm],
      ['node-soap', nodeSoap],
      ['express floor', floor],
    ] as const) {
      const r = await soapCall(p.endpoint, GWSI);
      if (r.status !== 200 || !r.ret?.includes('ccm-mock EPKIManager'))
        throw new Error(`${name} getWebServiceInfo answered ${r.status}: ${r.text.slice(0, 300)}`);
    }

    const scenarios = {
      'node-soap getWebServiceInfo': { endpoint: nodeSoap.endpoint, body: GWSI, pid: nodeSoap.pid },
      'express floor (constant answer)': { endpoint: floor.endpoint, body: GWSI, pid: floor.pid },
      'ccm-mock getWebServiceInfo': { endpoint: ccm.endpoint, body: GWSI, pid: ccm.pid },
      'ccm-mock collect': { endpoint: ccm.endpoint, body: collectBody(collectOrder), pid: ccm.pid },
      'ccm-mock enroll (RSA-2048 CSR)': {
        endpoint: ccm.endpoint,
        body: enrollBody('bench.enroll@example.com'),
        pid: ccm.pid,
      },
    } as const;
    type ScenarioName = keyof typeof scenarios;
    // peak throughput closed loop (autocannon); latency at a rate open loop, evenly paced (paced.ts says why)
    const load = (name: ScenarioName, extra: { duration?: number; rate?: number } = {}) => {
      const options = {
        url: scenarios[name].endpoint,
        body: scenarios[name].body,
        connections: CONNECTIONS,
        duration: extra.duration ?? DURATION,
        serverPid: scenarios[name].pid,
      };
      return extra.rate ? runPaced({ ...options, rate: extra.rate }) : runLoad(options);
    };

    log('warming up every scenario');
    for (const name of Object.keys(scenarios) as ScenarioName[]) await load(name, { duration: quick ? 1 : 2 });

    const rsaKey = join(dataDir, 'ca', 'intermediate.key');
    const rsaSign = () =>
      JSON.parse(
        execFileSync(node, ['--import', 'tsx', join(packageRoot, 'bench', 'rsa-sign.ts'), rsaKey, '2000'], {
          cwd: packageRoot,
          encoding: 'utf8',
        }),
      ) as { perSecond: number; keyBits: number };

    // the same S/MIME leaf built by ccm-mock's DER writer and by @peculiar/x509, with the same CA key
    const derVsPeculiar = () =>
      JSON.parse(
        execFileSync(node, ['--import', 'tsx', join(packageRoot, 'bench', 'der-writer.ts'), rsaKey, '2000'], {
          cwd: packageRoot,
          encoding: 'utf8',
        }),
      ) as IssuanceComparison;

    const rounds: Array<{ rsaSignPerSecond: number; issuance: IssuanceComparison } & Record<ScenarioName, LoadResult>> =
      [];
    for (let r = 0; r < ROUNDS; r++) {
      log(
        `round ${r + 1}/${ROUNDS}: RSA signing, then each scenario for ${DURATION} s with ${CONNECTIONS} connections`,
      );
      const round = { rsaSignPerSecond: rsaSign().perSecond, issuance: derVsPeculiar() } as (typeof rounds)[number];
      log(
        `  DER writer ${Math.round(round.issuance.derWriterPerSecond)} certificates/s, @peculiar/x509 ${Math.round(round.issuance.peculiarPerSecond)}/s`,
      );
      for (const name of Object.keys(scenarios) as ScenarioName[]) {
        round[name] = await load(name);
        log(`  ${name}: ${Math.round(round[name].throughput)} req/s, p99 ${round[name].p99Ms.toFixed(1)} ms`);
      }
      rounds.push(round);
    }
    const med = (name: ScenarioName, f: (l: LoadResult) => number | undefined) =>
      median(rounds.map((r) => f(r[name]) ?? NaN));
    const peak = (name: ScenarioName) => med(name, (l) => l.throughput);

    log('latency at half the peak rate');
    const halfPeak: Partial<Record<ScenarioName, LoadResult & { rate: number }>> = {};
    for (const name of [
      'node-soap getWebServiceInfo',
      'ccm-mock getWebServiceInfo',
      'ccm-mock collect',
      'ccm-mock enroll (RSA-2048 CSR)',
    ] as ScenarioName[]) {
      const rate = peak(name) / 2;
      halfPeak[name] = { rate, ...(await load(name, { rate, duration: Math.max(DURATION, 5) })) };
    }

    // -- hostile input, timed against the same process; it must still answer afterwards --
    log('hostile input timings');
    const deep = soap('getWebServiceInfo', '<a>'.repeat(100_000) + '</a>'.repeat(100_000));
    const hostile = {
      nesting100k: { bytes: Buffer.byteLength(deep), ...(await timedPost(ccm.endpoint, deep)) },
      body50MbContentLength: await postBigBody(ccm.endpoint, 50 * 1024 * 1024, 'content-length'),
      body50MbChunked: await postBigBody(ccm.endpoint, 50 * 1024 * 1024, 'chunked'),
      stillServing: (await soapCall(ccm.endpoint, GWSI)).status === 200,
      rssAfter: memoryOf(ccm.pid).rss,
    };
    for (const p of [nodeSoap, floor]) await p.stop();

    // -- what the proxy adds, in front of the same process --
    const proxy = await proxySection(ccm, work, collectOrder);

    // -- memory with many orders: a fresh process, in memory mode --
    log(`memory: enrolling ${ORDERS} orders into a fresh ccm-mock`);
    await ccm.stop();
    const fresh = await ccmMock(caFiles);
    running.push(fresh);
    const idle = memoryOf(fresh.pid);
    const firstOrder = await enrollOne(fresh.endpoint, 'bench.memory@example.com');
    const cpuBefore = cpuMsOf(fresh.pid);
    const bulk = await runLoad({
      url: fresh.endpoint,
      body: enrollBody('bench.memory@example.com'),
      connections: CONNECTIONS,
      amount: ORDERS,
      serverPid: fresh.pid,
    });
    const cpuMs = cpuMsOf(fresh.pid) - cpuBefore;
    const lastOrder = await enrollOne(fresh.endpoint, 'bench.memory@example.com');
    const afterOrders = memoryOf(fresh.pid);
    // V8 keeps the garbage of the load in its heap until it is idle for a while (its memory reducer)
    const settle = { seconds: 0, rss: afterOrders.rss };
    for (let waited = 0; waited < (quick ? 10 : 60); waited += 5) {
      await new Promise((r) => setTimeout(r, 5000));
      const now = memoryOf(fresh.pid).rss;
      if (now < settle.rss) Object.assign(settle, { seconds: waited + 5, rss: now });
    }
    const lastCollect = await soapCall(fresh.endpoint, collectBody(lastOrder));
    // order numbers are drawn, not counted: the store says how many orders it holds
    const info = (await (await fetch(new URL('/admin/api/info', fresh.endpoint))).json()) as { orders: number };
    const firstCollect = await soapCall(fresh.endpoint, collectBody(firstOrder));
    const memory = {
      orders: ORDERS,
      enrolledOk: bulk.requests,
      ordersStored: info.orders,
      collectOfFirstAndLast: [firstCollect.ret, lastCollect.ret],
      idleRss: idle.rss,
      rssAfterOrders: afterOrders.rss,
      peakRss: afterOrders.peakRss,
      settledRss: settle.rss,
      settledAfterSeconds: settle.seconds,
      bytesPerOrder: (settle.rss - idle.rss) / ORDERS,
      enrollThroughput: bulk.throughput,
      serverCpuMs: cpuMs,
    };
    await fresh.stop();

    // -- results --
    const rsaSignPerSecond = median(rounds.map((r) => r.rsaSignPerSecond));
    const perRoundRatio = (f: (r: (typeof rounds)[number]) => number) => median(rounds.map(f));
    const ratios = {
      getWebServiceInfoVsNodeSoap: perRoundRatio(
        (r) => r['ccm-mock getWebServiceInfo'].throughput / r['node-soap getWebServiceInfo'].throughput,
      ),
      collectVsNodeSoap: perRoundRatio(
        (r) => r['ccm-mock collect'].throughput / r['node-soap getWebServiceInfo'].throughput,
      ),
      enrollVsRsaSign: perRoundRatio((r) => r['ccm-mock enroll (RSA-2048 CSR)'].throughput / r.rsaSignPerSecond),
      expressFloorVsNodeSoap: perRoundRatio(
        (r) => r['express floor (constant answer)'].throughput / r['node-soap getWebServiceInfo'].throughput,
      ),
      derWriterVsPeculiar: perRoundRatio((r) => r.issuance.ratio),
      getWebServiceInfoVsExpressFloor: perRoundRatio(
        (r) => r['ccm-mock getWebServiceInfo'].throughput / r['express floor (constant answer)'].throughput,
      ),
    };
    const readyMs = median(memoryStarts.map((s) => s.firstAnswerMs));
    const worstHalfPeakP99 = Math.max(
      ...['ccm-mock getWebServiceInfo', 'ccm-mock collect', 'ccm-mock enroll (RSA-2048 CSR)'].map(
        (n) => halfPeak[n as ScenarioName]!.p99Ms,
      ),
    );
    const targets = [
      {
        what: 'getWebServiceInfo throughput / bare node-soap',
        measured: ratios.getWebServiceInfoVsNodeSoap,
        target: TARGETS.getWebServiceInfoVsNodeSoap,
        kind: 'ratio-min',
      },
      {
        what: 'collect throughput / bare node-soap getWebServiceInfo',
        measured: ratios.collectVsNodeSoap,
        target: TARGETS.collectVsNodeSoap,
        kind: 'ratio-min',
      },
      {
        what: 'enroll throughput / RSA-2048 signatures per second',
        measured: ratios.enrollVsRsaSign,
        target: TARGETS.enrollVsRsaSign,
        kind: 'ratio-min',
      },
      {
        what: 'worst p99 at half the peak rate (ms)',
        measured: worstHalfPeakP99,
        target: TARGETS.p99AtHalfPeakMs,
        kind: 'max',
      },
      {
        what: 'ready after process start, memory mode, median (ms)',
        measured: readyMs,
        target: TARGETS.readyMs,
        kind: 'max',
      },
      {
        what: `RSS with ${ORDERS.toLocaleString('en-US')} orders in memory, settled (MB)`,
        measured: memory.settledRss / 2 ** 20,
        target: TARGETS.rssAfterOrdersBytes / 2 ** 20,
        kind: 'max',
      },
      {
        what: `RSS right after enrolling them, V8's garbage included (MB)`,
        measured: memory.rssAfterOrders / 2 ** 20,
        target: TARGETS.rssAfterOrdersBytes / 2 ** 20,
        kind: 'max',
      },
    ].map((t) => ({ ...t, met: t.kind === 'ratio-min' ? t.measured >= t.target : t.measured < t.target }));

    const result: BenchResult = {
      kind: quick ? 'quick' : 'full',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
      settings: {
        rounds: ROUNDS,
        durationSeconds: DURATION,
        connections: CONNECTIONS,
        orders: ORDERS,
        logLevel: flags['log-level'],
        delay: '0',
        ...(flags.server ? { server: flags.server } : {}),
      },
      targets,
      ratios,
      issuance: {
        derWriterPerSecond: median(rounds.map((r) => r.issuance.derWriterPerSecond)),
        peculiarPerSecond: median(rounds.map((r) => r.issuance.peculiarPerSecond)),
        ratio: ratios.derWriterVsPeculiar,
        certificateBytes: rounds[0].issuance.certificateBytes,
      },
      limits: {
        rsaSignPerSecond,
        rsaKeyBits: 2048,
        nodeSoapGetWebServiceInfo: peak('node-soap getWebServiceInfo'),
        expressFloor: peak('express floor (constant answer)'),
      },
      scenarios: Object.fromEntries(
        (Object.keys(scenarios) as ScenarioName[]).map((n) => [
          n,
          {
            throughput: peak(n),
            p50Ms: med(n, (l) => l.p50Ms),
            p99Ms: med(n, (l) => l.p99Ms),
            serverCpuUsPerRequest: med(n, (l) => l.serverCpuUsPerRequest),
            errors: rounds.reduce((a, r) => a + r[n].errors + r[n].non2xx, 0),
          },
        ]),
      ),
      halfPeak,
      rounds,
      startup: {
        memoryMode: memoryStarts,
        dataDir: dataDirStarts,
        fromSourceWithTsx: tsxStarts,
        readyMsMedian: readyMs,
      },
      memory,
      hostile,
      proxy,
    };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `${outName}.json`), JSON.stringify(result, null, 2) + '\n');
    const md = renderMarkdown(result);
    writeFileSync(join(outDir, `${outName}.md`), md);
    console.log(md);
    log(`wrote ${join(outDir, outName)}.{md,json}`);
  } finally {
    for (const p of running) await p.stop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error('[bench] failed:', err);
  process.exit(1);
});
