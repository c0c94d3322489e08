import type { LoadResult } from './load';
import type { PublishLatency } from './publish-latency';

/** The targets from the performance issue. */
export const THRESHOLDS = {
  /** Each protocol read endpoint serves at least this fraction of the bare `node:http` baseline's req/s. */
  minThroughputRatio: 0.6,
  /** p99 latency at the benchmark's concurrency, in ms. */
  maxP99Ms: 20,
  /** Mean latency of the 1,000-version listing over the small module's: "must not grow" with some noise allowed. */
  maxLargeListingLatencyRatio: 1.5,
  /** Small module from upload to visible in the protocol listing, embedded default. */
  maxPublishP50Ms: 1000,
} as const;

export interface Verdict {
  id: string;
  pass: boolean;
  /** What missed, in words, empty when it passed. */
  misses: string[];
}

/** Throughput as a fraction of the baseline's, and the endpoint-level checks. */
export function judgeEndpoint(r: LoadResult, baselineReqPerSec: number): Verdict & { ratio: number } {
  const ratio = r.reqPerSec / baselineReqPerSec;
  const misses: string[] = [];
  if (ratio < THRESHOLDS.minThroughputRatio) misses.push(`throughput ${ratio.toFixed(2)}× < ${THRESHOLDS.minThroughputRatio}×`);
  if (r.p99 >= THRESHOLDS.maxP99Ms) misses.push(`p99 ${r.p99} ms ≥ ${THRESHOLDS.maxP99Ms} ms`);
  if (r.errors > 0 || r.failures > 0) misses.push(`${r.errors} errors, ${r.failures} wrong statuses`);
  return { id: r.id, pass: misses.length === 0, misses, ratio };
}

export interface ListingGrowth extends Verdict {
  meanRatio: number;
  p50Ratio: number;
  p99Ratio: number;
  throughputRatio: number;
}

/** Does the versions listing slow down with 1,000 versions? Compared with the small module in the same run. */
export function judgeListingGrowth(small: LoadResult, large: LoadResult): ListingGrowth {
  const meanRatio = large.mean / small.mean;
  const misses: string[] = [];
  if (meanRatio > THRESHOLDS.maxLargeListingLatencyRatio) {
    misses.push(`mean latency ${meanRatio.toFixed(2)}× the small module's > ${THRESHOLDS.maxLargeListingLatencyRatio}×`);
  }
  if (large.p99 >= THRESHOLDS.maxP99Ms) misses.push(`p99 ${large.p99} ms ≥ ${THRESHOLDS.maxP99Ms} ms`);
  return {
    id: 'large-listing-growth',
    pass: misses.length === 0,
    misses,
    meanRatio,
    p50Ratio: large.p50 / small.p50,
    p99Ratio: large.p99 / small.p99,
    throughputRatio: large.reqPerSec / small.reqPerSec,
  };
}

export function judgePublish(p: PublishLatency): Verdict {
  const misses = p.p50 < THRESHOLDS.maxPublishP50Ms ? [] : [`p50 ${Math.round(p.p50)} ms ≥ ${THRESHOLDS.maxPublishP50Ms} ms`];
  return { id: 'publish-latency', pass: misses.length === 0, misses };
}
