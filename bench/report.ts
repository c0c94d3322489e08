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
  /** The bare `node:http` server, measured first and last; ratios use the mean of both runs. */
  baseline: { runs: LoadResult[]; reqPerSec: number; driftPct: number };
  endpoints: (LoadResult & { ratio: number; pass: boolean; misses: string[] })[];
  listingGrowth: ListingGrowth;
  publish: PublishLatency & Verdict;
  pass: boolean;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The human summary: one row per endpoint, then the listing-growth and publish checks. */
export function formatReport(r: BenchReport): string {
  const header = ['target', 'req/s', '× baseline', 'p50 ms', 'p99 ms', 'cold ms', 'errors', 'verdict'];
  const baselineRows = r.baseline.runs.map((b, i) => [
    `${b.label} (${i === 0 ? 'first' : 'last'})`,
    fmt(b.reqPerSec),
    (b.reqPerSec / r.baseline.reqPerSec).toFixed(2),
    String(b.p50),
    String(b.p99),
    '',
    String(b.errors + b.failures),
    '',
  ]);
  const endpointRows = r.endpoints.map((e) => [
    e.label,
    fmt(e.reqPerSec),
    e.ratio.toFixed(2),
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
  return [
    `Strata protocol benchmark — ${r.settings.connections} connections, ${r.settings.durationSeconds} s per target after ${r.settings.warmupSeconds} s warm-up`,
    `machine: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, load average ${r.machine.loadavgStart.map((l) => l.toFixed(2)).join(' ')} at start`,
    `targets: ≥ ${t.minThroughputRatio}× baseline req/s, p99 < ${t.maxP99Ms} ms, no errors`,
    '',
    table([header, ...baselineRows, ...endpointRows]),
    '',
    `baseline drift between first and last run: ${r.baseline.driftPct.toFixed(1)}% (large drift means the machine was busy; rerun)`,
    `1,000 versions vs ${'small'} module listing: mean latency ${g.meanRatio.toFixed(2)}× (p50 ${g.p50Ratio.toFixed(2)}×, p99 ${g.p99Ratio.toFixed(2)}×), ` +
      `throughput ${g.throughputRatio.toFixed(2)}× — target mean ≤ ${t.maxLargeListingLatencyRatio}× and p99 < ${t.maxP99Ms} ms: ${g.pass ? 'PASS' : 'MISS'}`,
    `publish (upload → listed), ${p.samples.length} sequential small modules: p50 ${fmt(p.p50)} ms, p90 ${fmt(p.p90)} ms, max ${fmt(p.max)} ms ` +
      `— target p50 < ${t.maxPublishP50Ms} ms: ${p.pass ? 'PASS' : 'MISS'}`,
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
