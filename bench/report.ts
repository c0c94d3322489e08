import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult, LoadSettings } from './load';
import type { PublishLatency } from './publish-latency';
import { THRESHOLDS, type ListingGrowth, type Verdict } from './verdicts';

export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; loadavgStart: number[]; loadavgEnd: number[] };
  settings: LoadSettings & { publishes: number };
  thresholds: typeof THRESHOLDS;
  /**
   * The bare `node:http` server, measured before the first endpoint and after each one; `largeListing` is the
   * same server sending the 1,000-version listing (context for the large listing, not a ratio's denominator).
   */
  baseline: BaselineSummary & { largeListing: LoadResult };
  /** `baselineReqPerSec`: the mean of the two baseline runs around this endpoint, which `ratio` divides by. */
  endpoints: (LoadResult & { baselineReqPerSec: number; ratio: number; pass: boolean; misses: string[] })[];
  listingGrowth: ListingGrowth;
  publish: PublishLatency & Verdict;
  /** How `npm start` reacted to Ctrl-C (SIGINT to its process group) at the end; null if it was not running. */
  shutdown: { clean: boolean; ms: number } | null;
  pass: boolean;
}

export interface BaselineSummary {
  runs: LoadResult[];
  /** Mean over the runs. */
  reqPerSec: number;
  /** (max − min) / mean of the runs' req/s: how steady the machine was during the benchmark. */
  spreadPct: number;
}

export function summariseBaseline(runs: LoadResult[]): BaselineSummary {
  const rates = runs.map((r) => r.reqPerSec);
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  return { runs, reqPerSec: mean, spreadPct: (100 * (Math.max(...rates) - Math.min(...rates))) / mean };
}

/** A ratio for humans: the 1 ms latency buckets can make a denominator 0. */
const times = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The human summary: one row per endpoint, then the listing-growth and publish checks. */
export function formatReport(r: BenchReport): string {
  const header = ['target', 'req/s', 'baseline req/s', '× baseline', 'mean ms', 'p50 ms', 'p99 ms', 'cold ms', 'errors', 'verdict'];
  const b = r.baseline;
  const baselineRow = [
    `bare node:http (${b.runs.length} runs)`,
    fmt(b.reqPerSec),
    `${fmt(Math.min(...b.runs.map((x) => x.reqPerSec)))}–${fmt(Math.max(...b.runs.map((x) => x.reqPerSec)))}`,
    '1.00',
    fmt(b.runs.reduce((sum, x) => sum + x.mean, 0) / b.runs.length, 2),
    String(Math.max(...b.runs.map((x) => x.p50))),
    String(Math.max(...b.runs.map((x) => x.p99))),
    '',
    String(b.runs.reduce((sum, x) => sum + x.errors + x.failures, 0)),
    '',
  ];
  const endpointRows = r.endpoints.map((e) => [
    e.label,
    fmt(e.reqPerSec),
    fmt(e.baselineReqPerSec),
    e.ratio.toFixed(2),
    fmt(e.mean, 2),
    String(e.p50),
    String(e.p99),
    fmt(e.coldMs, 1),
    String(e.errors + e.failures),
    e.pass ? 'PASS' : 'MISS',
  ]);
  const g = r.listingGrowth;
  const p = r.publish;
  const t = r.thresholds;
  const misses = [...r.endpoints, g, p].filter((v) => !v.pass).map((v) => `  ${v.id}: ${v.misses.join('; ')}`);
  const shutdown = r.shutdown
    ? `npm start stopped on SIGINT in ${fmt(r.shutdown.ms)} ms${r.shutdown.clean ? '' : ' — it did NOT stop within 20 s and was killed'}`
    : '';
  return [
    `Strata protocol benchmark — ${r.settings.connections} connections, ${r.settings.durationSeconds} s per target after ${r.settings.warmupSeconds} s warm-up`,
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, load average ${r.machine.loadavgStart.map((l) => l.toFixed(2)).join(' ')} at start`,
    `targets: ≥ ${t.minThroughputRatio}× the baseline's req/s (baseline = mean of the runs just before and after), p99 < ${t.maxP99Ms} ms, no errors`,
    '',
    table([header, baselineRow, ...endpointRows]),
    '',
    `baseline spread over its ${b.runs.length} runs: ${b.spreadPct.toFixed(0)}% (a large spread means other work shared the machine; rerun on a quiet one)`,
    `1,000 vs 5 versions listing: registry mean latency ${times(g.meanRatio)} (p50 ${times(g.p50Ratio)}, p99 ${times(g.p99Ratio)}, ` +
      `req/s ${times(g.throughputRatio)}); the bare server sending the same bodies: ${times(g.bareMeanRatio)} ` +
      `(${fmt(b.largeListing.reqPerSec)} req/s, p99 ${b.largeListing.p99} ms)`,
    `  → growth the registry adds: ${times(g.adjustedMeanRatio)} — target ≤ ${t.maxLargeListingLatencyRatio}× and p99 < ${t.maxP99Ms} ms: ${g.pass ? 'PASS' : 'MISS'}`,
    `publish (upload → listed), ${p.samples.length} sequential small modules: p50 ${fmt(p.p50)} ms, p90 ${fmt(p.p90)} ms, max ${fmt(p.max)} ms ` +
      `— target p50 < ${t.maxPublishP50Ms} ms: ${p.pass ? 'PASS' : 'MISS'}`,
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
