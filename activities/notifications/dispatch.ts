import { Context, log } from '@temporalio/activity';
import type { Db } from '../../core/db/knex';
import { dispatchNotifications } from '../../core/notifications/emit';

/**
 * Starts the fan-out of events an activity raised, with the worker's own Temporal client, once the activity's
 * transaction has committed. A failure is only logged: the `notification-sweep` schedule starts them later.
 */
export async function dispatchFromActivity(db: Db, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  try {
    const ctx = Context.current();
    await dispatchNotifications({ temporal: ctx.client, db, taskQueue: ctx.info.taskQueue }, eventIds);
  } catch (err) {
    log.warn('could not start the notification fan-out; the sweep will', { eventIds, error: err instanceof Error ? err.message : String(err) });
  }
}
