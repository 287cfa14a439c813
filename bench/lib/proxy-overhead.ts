import { join } from 'node:path';
import { runLoad, type LoadResult } from './load.js';
import type { Started } from './processes.js';

/**
 * What `ccm-mock proxy` adds to a call: the same requests sent straight to an upstream ccm-mock and through a
 * proxy in front of it (recording and reporting, as users run it), side by side in interleaved rounds. Peak
 * throughput of each path, then latency at a moderate fixed rate (a quarter of the slower path's peak in the
 * same round) on both paths; added latency is proxied minus direct, per round, and the median is reported.
 */

export interface ProxyOverheadResult {
  rounds: number;
  durationSeconds: number;
  connections: number;
  /** what the proxy did besides forwarding */
  proxyFlags: string[];
  scenarios: Record<
    string,
    {
      directThroughput: number;
      proxiedThroughput: number;
      /** proxied / direct peak throughput */
      throughputRatio: number;
      /** the fixed rate latency was measured at */
      moderateRate: number;
      directP50Ms: number;
      proxiedP50Ms: number;
      addedP50Ms: number;
      directP99Ms: number;
      proxiedP99Ms: number;
      addedP99Ms: number;
      errors: number;
      proxyCpuUsPerRequest?: number;
    }
  >;
}

export const PROXY_TARGET_ADDED_P50_MS = 1;

export interface ProxyBenchOptions {
  upstream: Started;
  startProxy: (args: string[]) => Promise<Started>;
  work: string;
  rounds: number;
  duration: number;
  connections: number;
  bodies: Record<string, string>;
  log: (line: string) => void;
}

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function measureProxyOverhead(o: ProxyBenchOptions): Promise<ProxyOverheadResult> {
  const proxyFlags = ['--record', join(o.work, 'proxy-recordings'), '--report', join(o.work, 'proxy-report.md')];
  const proxy = await o.startProxy(['--upstream', o.upstream.endpoint, ...proxyFlags]);
  try {
    const load = (endpoint: string, body: string, pid: number, rate?: number) =>
      runLoad({ url: endpoint, body, connections: o.connections, duration: o.duration, rate, serverPid: pid });
    o.log('proxy overhead: warming up both paths');
    for (const body of Object.values(o.bodies)) {
      await load(o.upstream.endpoint, body, o.upstream.pid);
      await load(proxy.endpoint, body, proxy.pid);
    }
    type Round = {
      direct: LoadResult;
      proxied: LoadResult;
      directAtRate: LoadResult;
      proxiedAtRate: LoadResult;
      rate: number;
    };
    const rounds: Record<string, Round[]> = Object.fromEntries(Object.keys(o.bodies).map((k) => [k, []]));
    for (let r = 0; r < o.rounds; r++) {
      for (const [name, body] of Object.entries(o.bodies)) {
        const direct = await load(o.upstream.endpoint, body, o.upstream.pid);
        const proxied = await load(proxy.endpoint, body, proxy.pid);
        // below both paths' peaks, so neither queues: what is measured is the work per call
        const rate = Math.min(direct.throughput, proxied.throughput) / 4;
        const directAtRate = await load(o.upstream.endpoint, body, o.upstream.pid, rate);
        const proxiedAtRate = await load(proxy.endpoint, body, proxy.pid, rate);
        rounds[name].push({ direct, proxied, directAtRate, proxiedAtRate, rate });
        o.log(
          `  proxy ${name} round ${r + 1}: ${Math.round(direct.throughput)} vs ${Math.round(proxied.throughput)} req/s; at ${Math.round(rate)} req/s p50 ${directAtRate.p50Ms.toFixed(2)} vs ${proxiedAtRate.p50Ms.toFixed(2)} ms`,
        );
      }
    }
    const scenarios: ProxyOverheadResult['scenarios'] = {};
    for (const [name, rs] of Object.entries(rounds)) {
      const m = (f: (x: Round) => number) => median(rs.map(f));
      scenarios[name] = {
        directThroughput: m((x) => x.direct.throughput),
        proxiedThroughput: m((x) => x.proxied.throughput),
        throughputRatio: m((x) => x.proxied.throughput / x.direct.throughput),
        moderateRate: m((x) => x.rate),
        directP50Ms: m((x) => x.directAtRate.p50Ms),
        proxiedP50Ms: m((x) => x.proxiedAtRate.p50Ms),
        addedP50Ms: m((x) => x.proxiedAtRate.p50Ms - x.directAtRate.p50Ms),
        directP99Ms: m((x) => x.directAtRate.p99Ms),
        proxiedP99Ms: m((x) => x.proxiedAtRate.p99Ms),
        addedP99Ms: m((x) => x.proxiedAtRate.p99Ms - x.directAtRate.p99Ms),
        errors: rs.reduce(
          (n, x) =>
            n + [x.direct, x.proxied, x.directAtRate, x.proxiedAtRate].reduce((a, l) => a + l.errors + l.non2xx, 0),
          0,
        ),
        proxyCpuUsPerRequest: m((x) => x.proxied.serverCpuUsPerRequest ?? NaN),
      };
    }
    return {
      rounds: o.rounds,
      durationSeconds: o.duration,
      connections: o.connections,
      proxyFlags: ['--record DIR', '--report FILE'],
      scenarios,
    };
  } finally {
    await proxy.stop();
  }
}

export function renderProxyOverhead(p: ProxyOverheadResult): string[] {
  const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
  const lines = [
    '## Proxy overhead (`ccm-mock proxy` in front of a ccm-mock)',
    '',
    `The same requests straight to an upstream ccm-mock and through \`ccm-mock proxy ${p.proxyFlags.join(' ')}\` in front of it (every exchange validated, recorded and reported), side by side in ${p.rounds} interleaved round(s) of ${p.durationSeconds} s with ${p.connections} connections. Latency is measured at a moderate fixed rate (a quarter of the slower path's peak, so neither path queues); "added" is proxied minus direct within each round, median over rounds. Target: at most ${PROXY_TARGET_ADDED_P50_MS} ms added p50.`,
    '',
    '| call | direct req/s | proxied req/s | ratio | at req/s | p50 direct / proxied / added ms | p99 direct / proxied / added ms | proxy CPU µs/req | errors | target met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
  ];
  for (const [name, s] of Object.entries(p.scenarios))
    lines.push(
      `| ${name} | ${int(s.directThroughput)} | ${int(s.proxiedThroughput)} | ${Math.round(s.throughputRatio * 100)}% | ${int(s.moderateRate)} | ${ms(s.directP50Ms)} / ${ms(s.proxiedP50Ms)} / **${ms(s.addedP50Ms)}** | ${ms(s.directP99Ms)} / ${ms(s.proxiedP99Ms)} / ${ms(s.addedP99Ms)} | ${int(s.proxyCpuUsPerRequest ?? NaN)} | ${s.errors} | ${s.addedP50Ms <= PROXY_TARGET_ADDED_P50_MS ? 'yes' : '**no**'} |`,
    );
  lines.push('');
  return lines;
}
