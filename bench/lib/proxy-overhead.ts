import { join } from 'node:path';
import { runLoad, type LoadResult } from './load.js';
import { runPaced } from './paced.js';
import type { Started } from './processes.js';

/**
 * What `ccm-mock proxy` adds to a call: the same requests sent straight to an upstream ccm-mock, through a bare
 * relay (bench/relay-floor.ts: one more process hop and nothing else, the least any forwarding proxy costs), and
 * through two proxies in front of it - one forwarding and checking every exchange, one also recording and
 * reporting, as users run it - side by side in interleaved rounds. Peak throughput of each path (autocannon, closed
 * loop), then latency at a moderate rate (a quarter of the slowest path's peak in the same round), evenly paced and
 * open loop (paced.ts), on every path; added latency is proxied minus direct within each round, and the median over
 * rounds is reported.
 */

export interface ProxyPathResult {
  throughput: number;
  /** what it adds beyond the relay floor's added p50 (the proxy's own work); absent for the floor */
  beyondFloorP50Ms?: number;
  /** proxied / direct peak throughput */
  throughputRatio: number;
  p50Ms: number;
  addedP50Ms: number;
  p99Ms: number;
  addedP99Ms: number;
  proxyCpuUsPerRequest?: number;
}

export interface ProxyOverheadResult {
  rounds: number;
  durationSeconds: number;
  connections: number;
  /** the proxies measured: name -> the flags it ran with besides --upstream */
  proxies: Record<string, string[]>;
  /** the name of the relay-floor path */
  floor: string;
  scenarios: Record<
    string,
    {
      directThroughput: number;
      directP50Ms: number;
      directP99Ms: number;
      /** the fixed rate latency was measured at */
      moderateRate: number;
      proxied: Record<string, ProxyPathResult>;
      errors: number;
    }
  >;
}

export const PROXY_TARGET_ADDED_P50_MS = 1;
const FLOOR = 'relay floor (bare node:http)';

export interface ProxyBenchOptions {
  upstream: Started;
  startProxy: (args: string[]) => Promise<Started>;
  /** the relay floor in front of an upstream endpoint */
  startFloor: (upstream: string) => Promise<Started>;
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
  const configs: Record<string, string[]> = {
    checking: [],
    'checking, recording, reporting': [
      '--record',
      join(o.work, 'proxy-recordings'),
      '--report',
      join(o.work, 'proxy-report.md'),
    ],
  };
  const proxies: Record<string, Started> = {};
  try {
    proxies[FLOOR] = await o.startFloor(o.upstream.endpoint);
    for (const [name, flags] of Object.entries(configs))
      proxies[name] = await o.startProxy(['--upstream', o.upstream.endpoint, ...flags]);
    const paths: Record<string, Started> = { direct: o.upstream, ...proxies };
    // peak throughput closed loop (autocannon); latency at the moderate rate open loop, evenly paced (paced.ts)
    const load = (p: Started, body: string, rate?: number) => {
      const options = { url: p.endpoint, body, connections: o.connections, duration: o.duration, serverPid: p.pid };
      return rate ? runPaced({ ...options, rate }) : runLoad(options);
    };
    o.log('proxy overhead: warming up every path');
    for (const body of Object.values(o.bodies)) for (const p of Object.values(paths)) await load(p, body);

    type Round = { rate: number; peak: Record<string, LoadResult>; atRate: Record<string, LoadResult> };
    const rounds: Record<string, Round[]> = Object.fromEntries(Object.keys(o.bodies).map((k) => [k, []]));
    for (let r = 0; r < o.rounds; r++) {
      for (const [name, body] of Object.entries(o.bodies)) {
        const peak: Record<string, LoadResult> = {};
        for (const [path, p] of Object.entries(paths)) peak[path] = await load(p, body);
        const rate = Math.min(...Object.values(peak).map((l) => l.throughput)) / 4;
        const atRate: Record<string, LoadResult> = {};
        for (const [path, p] of Object.entries(paths)) atRate[path] = await load(p, body, rate);
        rounds[name].push({ rate, peak, atRate });
        o.log(
          `  proxy ${name} round ${r + 1}: ${Object.entries(peak)
            .map(([path, l]) => `${path} ${Math.round(l.throughput)} req/s`)
            .join(', ')}; at ${Math.round(rate)} req/s p50 ${Object.entries(atRate)
            .map(([path, l]) => `${path} ${l.p50Ms.toFixed(2)} ms`)
            .join(', ')}`,
        );
      }
    }
    const scenarios: ProxyOverheadResult['scenarios'] = {};
    for (const [name, rs] of Object.entries(rounds)) {
      const m = (f: (x: Round) => number) => median(rs.map(f));
      scenarios[name] = {
        directThroughput: m((x) => x.peak.direct.throughput),
        directP50Ms: m((x) => x.atRate.direct.p50Ms),
        directP99Ms: m((x) => x.atRate.direct.p99Ms),
        moderateRate: m((x) => x.rate),
        proxied: Object.fromEntries(
          [FLOOR, ...Object.keys(configs)].map((path) => [
            path,
            {
              ...(path === FLOOR ? {} : { beyondFloorP50Ms: m((x) => x.atRate[path].p50Ms - x.atRate[FLOOR].p50Ms) }),
              throughput: m((x) => x.peak[path].throughput),
              throughputRatio: m((x) => x.peak[path].throughput / x.peak.direct.throughput),
              p50Ms: m((x) => x.atRate[path].p50Ms),
              addedP50Ms: m((x) => x.atRate[path].p50Ms - x.atRate.direct.p50Ms),
              p99Ms: m((x) => x.atRate[path].p99Ms),
              addedP99Ms: m((x) => x.atRate[path].p99Ms - x.atRate.direct.p99Ms),
              proxyCpuUsPerRequest: m((x) => x.peak[path].serverCpuUsPerRequest ?? NaN),
            },
          ]),
        ),
        errors: rs.reduce(
          (n, x) =>
            n + [...Object.values(x.peak), ...Object.values(x.atRate)].reduce((a, l) => a + l.errors + l.non2xx, 0),
          0,
        ),
      };
    }
    return {
      rounds: o.rounds,
      durationSeconds: o.duration,
      connections: o.connections,
      proxies: { checking: [], 'checking, recording, reporting': ['--record DIR', '--report FILE'] },
      floor: FLOOR,
      scenarios,
    };
  } finally {
    for (const p of Object.values(proxies)) await p.stop();
  }
}

export function renderProxyOverhead(p: ProxyOverheadResult): string[] {
  const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
  const lines = [
    '## Proxy overhead (`ccm-mock proxy` in front of a ccm-mock)',
    '',
    `The same requests straight to an upstream ccm-mock and through \`ccm-mock proxy\` in front of it, checking every exchange against the contract (${Object.entries(
      p.proxies,
    )
      .map(([name, flags]) => `"${name}"${flags.length ? `: \`${flags.join(' ')}\`` : ''}`)
      .join(
        '; ',
      )}), side by side in ${p.rounds} interleaved round(s) of ${p.durationSeconds} s with ${p.connections} connections. Latency is measured at a moderate rate (a quarter of the slowest path's peak), with requests sent evenly spaced, open loop; "added" is proxied minus direct within each round, median over rounds. Target: at most ${PROXY_TARGET_ADDED_P50_MS} ms added p50.`,
    '',
    `The relay floor is one more process hop and nothing else: what any forwarding proxy adds. "Beyond the floor" is ccm-mock proxy's own work (reading, checking, redacting, recording).`,
    '',
    '| call | path | req/s (peak) | of direct | at req/s | p50 ms | added p50 ms | beyond the floor | p99 ms | added p99 ms | CPU µs/req | target met |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
  ];
  for (const [name, s] of Object.entries(p.scenarios)) {
    lines.push(
      `| ${name} | direct | ${int(s.directThroughput)} | | ${int(s.moderateRate)} | ${ms(s.directP50Ms)} | | | ${ms(s.directP99Ms)} | | | |`,
    );
    for (const [path, r] of Object.entries(s.proxied))
      lines.push(
        `| ${name} | ${path === p.floor ? path : `proxy: ${path}`} | ${int(r.throughput)} | ${Math.round(r.throughputRatio * 100)}% | ${int(s.moderateRate)} | ${ms(r.p50Ms)} | **${ms(r.addedP50Ms)}** | ${r.beyondFloorP50Ms === undefined ? '' : ms(r.beyondFloorP50Ms)} | ${ms(r.p99Ms)} | ${ms(r.addedP99Ms)} | ${int(r.proxyCpuUsPerRequest ?? NaN)} | ${path === p.floor ? '' : r.addedP50Ms <= PROXY_TARGET_ADDED_P50_MS ? 'yes' : '**no**'} |`,
      );
  }
  const errors = Object.values(p.scenarios).reduce((n, s) => n + s.errors, 0);
  lines.push('', `Errors and non-2xx answers over every path and round: ${errors}.`, '');
  return lines;
}
