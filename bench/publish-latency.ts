import type { BenchApi, ModuleAddress } from './api-client';
import { smallModuleArchive } from './module-archive';

export const LATENCY_MODULE: ModuleAddress = { namespace: 'bench', name: 'latency', system: 'aws' };

export interface PublishSample {
  version: string;
  /** From sending the upload until the `?wait=true` answer (201). */
  createdMs: number;
  /** From sending the upload until `GET /v1/modules/…/versions` lists the version. */
  visibleMs: number;
}

export interface PublishLatency {
  samples: PublishSample[];
  p50: number;
  p90: number;
  max: number;
}

const POLL_MS = 2;
const VISIBLE_TIMEOUT_MS = 30_000;

/**
 * Publishes `count` small modules one after another (each a new version, archives built beforehand) and times
 * each from upload to visible in the protocol listing — the moment `terraform init` could resolve it.
 */
export async function measurePublishLatency(api: BenchApi, count: number): Promise<PublishLatency> {
  const versions = Array.from({ length: count }, (_, i) => `1.0.${i}`);
  const archives = await Promise.all(versions.map((v) => smallModuleArchive(v)));
  const samples: PublishSample[] = [];
  for (const [i, version] of versions.entries()) {
    const started = performance.now();
    await api.publishModule(LATENCY_MODULE, version, archives[i]!);
    const createdMs = performance.now() - started;
    while (!(await api.moduleVersions(LATENCY_MODULE))?.includes(version)) {
      if (performance.now() - started > VISIBLE_TIMEOUT_MS) {
        throw new Error(`${version} was published but not listed after ${VISIBLE_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    samples.push({ version, createdMs, visibleMs: performance.now() - started });
  }
  const sorted = samples.map((s) => s.visibleMs).sort((a, b) => a - b);
  return { samples, p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted[sorted.length - 1]! };
}

/** Nearest-rank percentile of ascending `sorted` values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
