import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { FastHistogram, type HistogramSlot } from './fast-histogram';

/** Latency buckets (seconds): cached protocol reads answer in well under a millisecond, publishes in tens of ms. */
const LATENCY_BUCKETS = [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

export type PublishOutcome = 'accepted' | 'published' | 'rejected' | 'conflict' | 'failed';

/**
 * The API process's metrics, rendered at `/metrics`. Labels are low-cardinality by construction: a route
 * *family* (never a raw path), the method, the status class. Hot-path recording is plain arithmetic; prom-client
 * renders the registry when it is scraped.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly durations = new FastHistogram<'family' | 'method' | 'status'>(
    'strata_http_request_duration_seconds',
    'Time to answer an HTTP request, by route family, method and status class.',
    ['family', 'method', 'status'],
    LATENCY_BUCKETS,
  );
  /** family → slots indexed by method × status class, created on first use. */
  private readonly slots = new Map<string, (HistogramSlot | undefined)[]>();
  private readonly cache = new Map<string, { hit: number; miss: number }>();
  private readonly publishes: Counter<'kind' | 'outcome'>;
  private readonly downloads: Counter<'kind'>;
  private readonly downloadFlushFailures: Counter;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'strata_api_' });
    this.durations.register(this.registry);
    const durations = this.durations;
    new Counter({
      name: 'strata_http_requests_total',
      help: 'HTTP requests answered, by route family, method and status class.',
      labelNames: ['family', 'method', 'status'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { labels, value } of durations.counts()) this.inc(labels, value);
      },
    });
    const cache = this.cache;
    new Counter({
      name: 'strata_protocol_cache_requests_total',
      help: 'Protocol reads answered from the in-process response cache (hit) or built (miss), by route family.',
      labelNames: ['family', 'result'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [family, c] of cache) {
          this.inc({ family, result: 'hit' }, c.hit);
          this.inc({ family, result: 'miss' }, c.miss);
        }
      },
    });
    this.publishes = new Counter({
      name: 'strata_publishes_total',
      help: 'Publish requests by artifact kind and outcome (accepted: started without waiting).',
      labelNames: ['kind', 'outcome'],
      registers: [this.registry],
    });
    this.downloads = new Counter({
      name: 'strata_downloads_flushed_total',
      help: 'Downloads counted and written to the catalogue, by artifact kind.',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    this.downloadFlushFailures = new Counter({
      name: 'strata_download_flush_failures_total',
      help: 'Batches of download counts that could not be written (they are lost).',
      registers: [this.registry],
    });
  }

  /** Records one answered request. `family` must come from a fixed set (see api/middleware/metrics.ts). */
  request(family: string, method: string, status: number, seconds: number): void {
    let row = this.slots.get(family);
    if (!row) this.slots.set(family, (row = []));
    let m = METHODS.indexOf(method);
    if (m === -1) m = METHODS.length;
    const c = Math.min(Math.max(Math.trunc(status / 100), 1), 5) - 1;
    const index = m * STATUS_CLASSES.length + c;
    let slot = row[index];
    if (!slot) {
      row[index] = slot = this.durations.slot({ family, method: METHODS[m] ?? 'OTHER', status: STATUS_CLASSES[c]! });
    }
    slot.observe(seconds);
  }

  cacheResult(family: string, hit: boolean): void {
    let c = this.cache.get(family);
    if (!c) this.cache.set(family, (c = { hit: 0, miss: 0 }));
    if (hit) c.hit++;
    else c.miss++;
  }

  publish(kind: string, outcome: PublishOutcome): void {
    this.publishes.inc({ kind, outcome });
  }

  downloadsFlushed(batch: { kind: string; count: number }[]): void {
    for (const { kind, count } of batch) this.downloads.inc({ kind }, count);
  }

  downloadFlushFailed(): void {
    this.downloadFlushFailures.inc();
  }

  /** The Prometheus text exposition and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
