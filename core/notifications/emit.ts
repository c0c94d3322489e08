import type { Client } from '@temporalio/client';
import type { Db, Tx } from '../db/knex';
import { findNotificationEvent, insertNotificationEvent } from '../db/repos/notification-events';
import { hasAudience } from './audience';
import type { Logger } from '../log';
import { StrataOrg, strataAttributes } from '../../temporal/search-attributes';
import { startWorkflow } from '../../temporal/start-workflow';
import { notificationWorkflowIds } from '../../workflows/notifications/ids';
import { notify } from '../../workflows/notifications/notify';
import type { NotificationEventInput } from './event-types';

export interface EmitInput extends NotificationEventInput {
  /** Makes the event idempotent: an event with a key already raised is not raised again (retried activities). */
  dedupeKey?: string;
}

/**
 * Raises an event from anywhere, in the caller's transaction: the row commits (or rolls back) with the change it
 * reports. After the commit, start its fan-out with {@link dispatchNotifications}; if the process dies first, the
 * `notification-sweep` schedule starts it a minute later. Returns the event id (the existing one for a dedupe key
 * raised before, and then `created: false`).
 */
export async function emitNotification(tx: Tx, input: EmitInput): Promise<{ eventId: string; created: boolean }> {
  if (input.dedupeKey) {
    const existing = await tx('notification_events').where({ dedupe_key: input.dedupeKey }).first('id');
    if (existing) return { eventId: (existing as { id: string }).id, created: false };
  }
  const eventId = await insertNotificationEvent(tx, input);
  if (input.dedupeKey) await tx('notification_events').where({ id: eventId }).update({ dedupe_key: input.dedupeKey });
  return { eventId, created: true };
}

/** The organisation that owns a registry namespace (null when there is no such namespace). */
export async function orgOfNamespace(tx: Tx, namespace: string): Promise<string | null> {
  const row = await tx('namespaces').whereRaw('lower(name) = lower(?)', [namespace]).first('org_id');
  return (row as { org_id: string } | undefined)?.org_id ?? null;
}

/**
 * Starts the `notify:<eventId>` workflow of each committed event (joining one already started: the workflow ID
 * is the idempotency key, and a finished fan-out is never redone) and marks the event dispatched. An event
 * nobody would hear of (no recipient on any channel, no webhook) is marked dispatched without a workflow: most
 * publishes would otherwise double the platform's Temporal work for nothing.
 */
export async function dispatchNotifications(deps: { temporal: Client; db: Db; taskQueue: string }, eventIds: string[]): Promise<void> {
  for (const eventId of eventIds) {
    const event = await findNotificationEvent(deps.db, eventId);
    if (!event || event.dispatched_at) continue;
    // Nobody to tell: there is nothing to fan out, so no workflow.
    if (!(await hasAudience(deps.db, event))) {
      await markDispatched(deps.db, eventId);
      continue;
    }
    // StrataOrg carries the organisation's name, as on every other workflow.
    const org = event.org_id ? ((await deps.db('organizations').where({ id: event.org_id }).first('name')) as { name: string } | undefined) : undefined;
    const orgName = org?.name ?? null;
    await startWorkflow(deps.temporal, notify, {
      workflowId: notificationWorkflowIds.notify(eventId),
      taskQueue: deps.taskQueue,
      input: { eventId },
      reusePolicy: 'REJECT_DUPLICATE',
      onAlreadyStarted: 'join',
      searchAttributes: [...strataAttributes({ kind: 'notification' }), ...(orgName ? [{ key: StrataOrg, value: orgName }] : [])],
    });
    await markDispatched(deps.db, eventId);
  }
}

async function markDispatched(db: Db, eventId: string): Promise<void> {
  await db('notification_events').where({ id: eventId }).whereNull('dispatched_at').update({ dispatched_at: db.fn.now() });
}

/**
 * For API handlers, after their transaction committed: starts the fan-outs, and only logs a failure (Temporal
 * unreachable) — the sweeper starts them later, so the request that made the change still succeeds.
 */
export async function dispatchAfterCommit(deps: { temporal: Client; db: Db; config: { temporal: { taskQueue: string } } }, log: Logger, eventIds: string[]): Promise<void> {
  try {
    await dispatchNotifications({ temporal: deps.temporal, db: deps.db, taskQueue: deps.config.temporal.taskQueue }, eventIds);
  } catch (err) {
    log.warn({ err, eventIds }, 'could not start notification fan-out now; the sweeper will');
  }
}
