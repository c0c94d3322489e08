import type { Db } from '../../core/db/knex';
import { addDownloadCounts } from '../../core/db/repos/downloads';
import type { Logger } from '../../core/log';

/** Counts downloads in memory and flushes them in one transaction every few seconds: no write per request. */
export class DownloadCounter {
  private pending = new Map<string, { kind: string; versionId: string; count: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly intervalMs = 5000,
    /** Told after each flush: what was written, or that the batch was lost. */
    private readonly onFlushed: (batch: { kind: string; count: number }[], error?: unknown) => void = () => {},
  ) {}

  count(kind: string, versionId: string): void {
    const key = `${kind}:${versionId}`;
    const entry = this.pending.get(key);
    if (entry) entry.count++;
    else this.pending.set(key, { kind, versionId, count: 1 });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await addDownloadCounts(this.db, batch);
      this.onFlushed(batch);
    } catch (err) {
      this.log.warn({ err, entries: batch.length }, 'could not record download counts');
      this.onFlushed(batch, err);
    }
  }
}
