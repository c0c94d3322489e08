import pg from 'pg';
import type { Tx } from '../db/knex';
import type { Logger } from '../log';

const CHANNEL = 'strata_inbox';

/** Tells every API process that `userId`'s inbox changed (PostgreSQL NOTIFY, delivered when `db` commits). */
export async function announceInboxChanged(db: Tx, userId: string): Promise<void> {
  await db.raw('select pg_notify(?, ?)', [CHANNEL, userId]);
}

/**
 * Per-user listeners for inbox changes, fed by one LISTEN connection per API process (reconnecting after errors;
 * after a reconnect every listener is called, since changes may have been missed).
 */
export class InboxHub {
  private readonly listeners = new Map<string, Set<() => void>>();
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly options: { url: string; log: Logger }) {}

  /** Connects; resolves once listening (or after the first failure, retrying in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  subscribe(userId: string, fn: () => void): () => void {
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private fire(userId: string | null): void {
    const sets = userId ? [this.listeners.get(userId)] : [...this.listeners.values()];
    for (const set of sets) for (const fn of set ?? []) fn();
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({ connectionString: this.options.url });
    this.client = c;
    c.on('notification', (msg) => {
      if (msg.channel === CHANNEL && msg.payload) this.fire(msg.payload);
    });
    c.on('error', (err) => {
      this.options.log.warn({ err }, 'inbox listener lost its connection; reconnecting');
      this.schedule();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      this.fire(null);
    } catch (err) {
      this.options.log.warn({ err }, 'inbox listener could not connect; retrying');
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.stopped || this.retry) return;
    void this.client?.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, 1000);
  }
}
