import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Comparison, LoadResult, LoadSettings } from './load';
import type { PublishLatency } from './publish-latency';
import type { PublishThroughput } from './publish-throughput';
import { formatRunOverhead, type RunOverhead } from './run-overhead';
import { formatStateBackend, type StateBackendLatency } from './state-backend';
import { judgedRatio, THRESHOLDS, type ListingGrowth, type Verdict } from './verdicts';

export type EndpointReport = LoadResult & {
  /** req/s of the baseline slices around this endpoint's slices. */
  baselineReqPerSec: number;
  /** Median of the per-slice ratios to the ~100-byte baseline. */
  ratio: number;
  /**
   * For an answer larger than the baseline's: the bare server sending the same bytes, over the ~100-byte baseline;
   * null otherwise.
   */
  sameBytesRatio: number | null;
  /** The ratio the target applies to: `ratio`, or `ratio / sameBytesRatio` when there is one. */
  judgedRatio: number;
  sliceRatios: number[];
  /** Server CPU per request over the baseline's (null without /proc). */
  cpuRatio: number | null;
  baselineCpuMicrosPerRequest: number | null;
  pass: boolean;
  misses: string[];
};

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; loadavgStart: number[]; loadavgEnd: number[] };
  settings: LoadSettings & { publishes: number; throughputVersions: number; throughputClients: number };
  thresholds: typeof THRESHOLDS;
  /**
   * The bare `node:http` server over all its slices, and `sameBytes`: the same server sending each larger answer
   * byte for byte, compared with it.
   */
  baseline: { reqPerSec: number; minReqPerSec: number; maxReqPerSec: number; spreadPct: number; sameBytes: EndpointReport[] };
  endpoints: EndpointReport[];
  listingGrowth: ListingGrowth;
  publish: PublishLatency & Verdict;
  throughput: PublishThroughput & Verdict;
  /** The http state backend's GET/POST latency with a ~1 MB state, as ratios to the baseline (no target yet). */
  state: StateBackendLatency;
  /** A 1,000-resource speculative plan through the run workflow versus the same plan by hand (ratio, no target yet). */
  runOverhead: RunOverhead;
  /** The API process's resident memory (MiB) at idle after seeding, and after the load; null without /proc. */
  memory: {
    idleApiRssMiB: number | null;
    afterLoadApiRssMiB: number | null;
    /** The compiled API (`node dist/api.mjs`) on its own, right after start-up and after 40 s idle: the target. */
    productionApi: { startupMiB: number; idleMiB: number };
  } & Verdict;
  /** How `npm start` reacted to Ctrl-C (SIGINT to its process group) at the end; null if it was not running. */
  shutdown: { clean: boolean; ms: number } | null;
  pass: boolean;
}

export function endpointReport(c: Comparison, verdict: Verdict, sameBytes?: Comparison): EndpointReport {
  return {
    ...c.result,
    baselineReqPerSec: c.baseline.reqPerSec,
    ratio: c.ratio,
    sameBytesRatio: sameBytes?.ratio ?? null,
    judgedRatio: judgedRatio(c, sameBytes),
    sliceRatios: c.sliceRatios,
    cpuRatio: c.cpuRatio,
    baselineCpuMicrosPerRequest: c.baseline.cpuMicrosPerRequest,
    pass: verdict.pass,
    misses: verdict.misses,
  };
}

/** Summarises every baseline slice of the run: how fast the bare server was and how much the machine moved. */
export function baselineSummary(comparisons: Comparison[], sameBytes: EndpointReport[]): BenchReport['baseline'] {
  const rates = comparisons.flatMap((c) => c.baseline.slices.map((s) => s.reqPerSec));
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  const [min, max] = [Math.min(...rates), Math.max(...rates)];
  return { reqPerSec: mean, minReqPerSec: min, maxReqPerSec: max, spreadPct: (100 * (max - min)) / mean, sameBytes };
}

/** A ratio for humans: the 1 ms latency buckets can make a denominator 0. */
const times = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function row(e: EndpointReport, verdict: boolean): string[] {
  return [
    e.label,
    fmt(e.reqPerSec),
    fmt(e.baselineReqPerSec),
    e.ratio.toFixed(2),
    e.sameBytesRatio === null ? '' : e.judgedRatio.toFixed(2),
    `${Math.min(...e.sliceRatios).toFixed(2)}–${Math.max(...e.sliceRatios).toFixed(2)}`,
    e.cpuMicrosPerRequest === null ? 'n/a' : fmt(e.cpuMicrosPerRequest, 1),
    e.cpuRatio === null ? 'n/a' : e.cpuRatio.toFixed(2),
    fmt(e.mean, 2),
    String(e.p50),
    String(e.p99),
    e.coldMs === null ? '' : fmt(e.coldMs, 1),
    String(e.errors + e.failures),
    verdict ? (e.pass ? 'PASS' : 'MISS') : '',
  ];
}

/** The human summary: one row per endpoint, then the listing-growth and publish checks. */
export function formatReport(r: BenchReport): string {
  const header = ['target', 'req/s', 'baseline req/s', '× baseline', '× same bytes', 'slices', 'CPU µs/req', 'CPU × base', 'mean ms', 'p50 ms', 'p99 ms', 'cold ms', 'errors', 'verdict'];
  const b = r.baseline;
  const g = r.listingGrowth;
  const p = r.publish;
  const t = r.thresholds;
  const baseCpu = r.endpoints.map((e) => e.baselineCpuMicrosPerRequest).filter((x): x is number => x !== null);
  const cpuBaseline = baseCpu.length ? `${fmt(baseCpu.reduce((a, x) => a + x, 0) / baseCpu.length, 1)} µs` : 'n/a';
  const th = r.throughput;
  const m = r.memory;
  const misses = [...r.endpoints, g, p, th, m].filter((v) => !v.pass).map((v) => `  ${v.id}: ${v.misses.join('; ')}`);
  const shutdown = r.shutdown
    ? `npm start stopped on SIGINT in ${fmt(r.shutdown.ms)} ms${r.shutdown.clean ? '' : ' — it did NOT stop within 20 s and was killed'}`
    : '';
  return [
    `Strata protocol benchmark — ${r.settings.connections} connections; per target ${r.settings.warmupSeconds} s warm-up, then ` +
      `${r.settings.durationSeconds} s in ${r.settings.sliceSeconds} s slices alternating with the baseline`,
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, load average ${r.machine.loadavgStart.map((l) => l.toFixed(2)).join(' ')} at start`,
    `targets: ≥ ${t.minThroughputRatio}× the baseline's req/s (median of per-slice ratios; for answers over 512 bytes, × same bytes: ` +
      `over the bare server sending the same bytes), p99 < ${t.maxP99Ms} ms, no errors`,
    '',
    table([header, ...r.endpoints.map((e) => row(e, true)), ...b.sameBytes.map((e) => row(e, false))]),
    '',
    `baseline (bare node:http, 109-byte JSON): ${fmt(b.reqPerSec)} req/s on average, ${fmt(b.minReqPerSec)}–${fmt(b.maxReqPerSec)} over its slices ` +
      `(spread ${b.spreadPct.toFixed(0)}%; above ~20% other work shared the machine — the slice ratios absorb most of it)`,
    `CPU µs/req: the server process's CPU time (all threads) per answer, ${cpuBaseline} for the baseline. Other work on the machine`,
    `  barely moves it; a CPU-bound server above ${(1 / t.minThroughputRatio).toFixed(2)}× the baseline's cannot reach ${t.minThroughputRatio}× its req/s`,
    `1,000 vs 5 versions listing: registry mean latency ${times(g.meanRatio)} (p50 ${times(g.p50Ratio)}, p99 ${times(g.p99Ratio)}); ` +
      `the bare server sending the same bodies: ${times(g.bareMeanRatio)}`,
    `  → growth the registry adds: ${times(g.adjustedMeanRatio)} — target ≤ ${t.maxLargeListingLatencyRatio}× and p99 < ${t.maxP99Ms} ms: ${g.pass ? 'PASS' : 'MISS'}`,
    `publish (upload → listed), ${p.samples.length} sequential small modules: p50 ${fmt(p.p50)} ms, p90 ${fmt(p.p90)} ms, max ${fmt(p.max)} ms ` +
      `— target p50 < ${t.maxPublishP50Ms} ms: ${p.pass ? 'PASS' : 'MISS'}`,
    `publish throughput: ${th.versions} versions by ${th.clients} concurrent clients in ${fmt(th.totalMs)} ms (${th.perSecond.toFixed(1)}/s) ` +
      `— target < ${t.maxThroughputTotalMs} ms: ${th.pass ? 'PASS' : 'MISS'}`,
    formatStateBackend(r.state),
    formatRunOverhead(r.runOverhead),
    `API memory, production (node dist/api.mjs): ${fmt(m.productionApi.startupMiB)} MiB RSS right after start-up, ` +
      `${fmt(m.productionApi.idleMiB)} MiB after 40 s idle — target idle < ${t.maxIdleApiRssMiB} MiB: ${m.pass ? 'PASS' : 'MISS'}`,
    `  npm start's process (tsx, API + supervisor, for information): ${m.idleApiRssMiB === null ? 'n/a' : `${fmt(m.idleApiRssMiB)} MiB`} at idle after seeding, ` +
      `${m.afterLoadApiRssMiB === null ? 'n/a' : `${fmt(m.afterLoadApiRssMiB)} MiB`} after the load`,
    shutdown,
    '',
    r.pass ? 'all targets met' : `missed:\n${misses.join('\n')}`,
  ].join('\n');
}

/** Writes the report as JSON under the OS temp dir (results stay out of git) and returns the path of latest.json. */
export async function writeReport(r: BenchReport): Promise<string> {
  const dir = join(tmpdir(), 'strata-bench');
  await mkdir(dir, { recursive: true });
  const json = `${JSON.stringify(r, null, 2)}\n`;
  await writeFile(join(dir, `results-${r.startedAt.replace(/[:.]/g, '-')}.json`), json);
  const latest = join(dir, 'latest.json');
  await writeFile(latest, json);
  return latest;
}
