import pg from 'pg';
import type { Tx } from './knex';
import type { Logger } from '../log';

const CHANNEL = 'strata_catalog';

export interface CatalogEvent {
  kind: 'module' | 'provider';
  namespace: string;
  name: string;
}

/**
 * Announces a catalogue change to every API process (PostgreSQL NOTIFY): publishes happen in workers, while
 * the pre-serialised protocol responses live in the API processes' memory.
 */
export async function notifyCatalogChanged(db: Tx, event: CatalogEvent): Promise<void> {
  await db.raw('select pg_notify(?, ?)', [CHANNEL, JSON.stringify(event)]);
}

/** Listens for catalogue changes on a dedicated connection, reconnecting after errors. */
export function listenCatalogChanges(input: {
  url: string;
  onEvent: (event: CatalogEvent) => void;
  /** Called after (re)connecting: events may have been missed, so callers drop everything they cached. */
  onReset: () => void;
  log: Logger;
}): { ready: Promise<void>; stop: () => Promise<void> } {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  let firstConnect: (() => void) | null = null;
  const ready = new Promise<void>((resolve) => (firstConnect = resolve));

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: input.url });
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        input.onEvent(JSON.parse(msg.payload) as CatalogEvent);
      } catch {
        input.onReset();
      }
    });
    c.on('error', (err) => {
      input.log.warn({ err }, 'catalogue listener lost its connection; reconnecting');
      schedule();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      input.onReset();
      firstConnect?.();
      firstConnect = null;
    } catch (err) {
      input.log.warn({ err }, 'catalogue listener could not connect; retrying');
      schedule();
    }
  };
  const schedule = (): void => {
    if (stopped || retry) return;
    void client?.end().catch(() => undefined);
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, 1000);
  };
  void connect();
  return {
    ready,
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
