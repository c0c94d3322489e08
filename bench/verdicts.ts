import type { Comparison, LoadResult } from './load';
import type { PublishLatency } from './publish-latency';
import type { PublishThroughput } from './publish-throughput';

/** The targets from the performance issue. */
export const THRESHOLDS = {
  /** Each protocol read endpoint serves at least this fraction of the bare `node:http` baseline's req/s. */
  minThroughputRatio: 0.6,
  /** p99 latency at the benchmark's concurrency, in ms. */
  maxP99Ms: 20,
  /**
   * Mean latency of the 1,000-version listing over the 5-version one, beyond what the bare server's ratio for the
   * same bodies shows: "must not grow", with room for noise.
   */
  maxLargeListingLatencyRatio: 1.5,
  /** Small module from upload to visible in the protocol listing, embedded default. */
  maxPublishP50Ms: 150,
  /** 200 versions published by 8 concurrent clients, upload of the first until the last is listed. */
  maxThroughputTotalMs: 20_000,
  /** The API process's resident memory at idle after seeding, in MiB. */
  maxIdleApiRssMiB: 100,
} as const;

export interface Verdict {
  id: string;
  pass: boolean;
  /** What missed, in words; empty when it passed. */
  misses: string[];
}

/**
 * The throughput ratio an endpoint is judged on: over the ~100-byte baseline, or, for an answer larger than that,
 * over the bare server sending the same bytes (`sameBytes`, itself measured against the ~100-byte baseline).
 */
export function judgedRatio(c: Comparison, sameBytes?: Comparison): number {
  return sameBytes ? c.ratio / sameBytes.ratio : c.ratio;
}

export function judgeEndpoint(c: Comparison, sameBytes?: Comparison): Verdict {
  const r: LoadResult = c.result;
  const misses: string[] = [];
  const ratio = judgedRatio(c, sameBytes);
  const yardstick = sameBytes ? ' the bare server sending the same bytes' : '';
  if (ratio < THRESHOLDS.minThroughputRatio) misses.push(`throughput ${ratio.toFixed(3)}×${yardstick} < ${THRESHOLDS.minThroughputRatio}×`);
  if (r.p99 >= THRESHOLDS.maxP99Ms) misses.push(`p99 ${r.p99} ms ≥ ${THRESHOLDS.maxP99Ms} ms`);
  if (r.errors > 0 || r.failures > 0) misses.push(`${r.errors} errors, ${r.failures} wrong statuses`);
  return { id: r.id, pass: misses.length === 0, misses };
}

export interface ListingGrowth extends Verdict {
  /** Registry: mean latency of the 1,000-version listing over the 5-version one (each normalised by its baseline). */
  meanRatio: number;
  p50Ratio: number;
  p99Ratio: number;
  /** The same mean-latency ratio for the bare server sending the same two bodies: what the extra bytes alone cost. */
  bareMeanRatio: number;
  /** `meanRatio / bareMeanRatio`: the growth that comes from the registry, not from the size of the answer. */
  adjustedMeanRatio: number;
}

/**
 * Does the versions listing slow down with 1,000 versions? On a closed loop mean latency is connections ÷ req/s,
 * so latency ratios follow from the baseline-normalised throughput ratios. The registry's large/small ratio is
 * divided by the bare server's for the same two bodies, so only growth the registry adds (a query or
 * serialisation per request) counts against it; the absolute p99 target still applies to the large listing.
 */
export function judgeListingGrowth(input: { small: Comparison; large: Comparison; bareLarge: Comparison }): ListingGrowth {
  const { small, large, bareLarge } = input;
  const meanRatio = small.ratio / large.ratio;
  const bareMeanRatio = 1 / bareLarge.ratio;
  const adjustedMeanRatio = meanRatio / bareMeanRatio;
  const misses: string[] = [];
  if (adjustedMeanRatio > THRESHOLDS.maxLargeListingLatencyRatio) {
    misses.push(`mean latency grows ${adjustedMeanRatio.toFixed(2)}× beyond what the bytes cost > ${THRESHOLDS.maxLargeListingLatencyRatio}×`);
  }
  if (large.result.p99 >= THRESHOLDS.maxP99Ms) misses.push(`p99 ${large.result.p99} ms ≥ ${THRESHOLDS.maxP99Ms} ms`);
  return {
    id: 'large-listing-growth',
    pass: misses.length === 0,
    misses,
    meanRatio,
    p50Ratio: large.result.p50 / small.result.p50,
    p99Ratio: large.result.p99 / small.result.p99,
    bareMeanRatio,
    adjustedMeanRatio,
  };
}

export function judgePublish(p: PublishLatency): Verdict {
  const misses = p.p50 < THRESHOLDS.maxPublishP50Ms ? [] : [`p50 ${Math.round(p.p50)} ms ≥ ${THRESHOLDS.maxPublishP50Ms} ms`];
  return { id: 'publish-latency', pass: misses.length === 0, misses };
}

export function judgeThroughput(t: PublishThroughput): Verdict {
  const misses = t.totalMs < THRESHOLDS.maxThroughputTotalMs ? [] : [`${t.versions} publishes by ${t.clients} clients took ${Math.round(t.totalMs)} ms ≥ ${THRESHOLDS.maxThroughputTotalMs} ms`];
  return { id: 'publish-throughput', pass: misses.length === 0, misses };
}

export function judgeIdleMemory(rssMiB: number | null): Verdict {
  const misses = rssMiB === null ? [] : rssMiB < THRESHOLDS.maxIdleApiRssMiB ? [] : [`API RSS ${rssMiB.toFixed(0)} MiB ≥ ${THRESHOLDS.maxIdleApiRssMiB} MiB at idle`];
  return { id: 'idle-memory', pass: misses.length === 0, misses };
}
