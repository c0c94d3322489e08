import { ApplicationFailure } from '@temporalio/common';
import { Context, log } from '@temporalio/activity';
import type { Db, Tx } from '../../core/db/knex';
import { findNotificationEvent, type NotificationEventRow } from '../../core/db/repos/notification-events';
import { lockDelivery, markDelivered, planDeliveries, recordAttemptFailed } from '../../core/db/repos/notification-deliveries';
import { findUserById } from '../../core/db/repos/users';
import type { SealedSecret } from '../../core/crypto/envelope';
import { issueActionToken, type LinkAction } from '../../core/notifications/action-links';
import { dispatchNotifications, emitNotification, type EmitInput } from '../../core/notifications/emit';
import { isEventType } from '../../core/notifications/event-types';
import { webhookTargets } from '../../core/notifications/audience';
import { announceInboxChanged } from '../../core/notifications/inbox-events';
import { resolveRecipients } from '../../core/notifications/recipients';
import { isConfigurable } from '../../core/notifications/rules';
import { linkSealContext, unsubscribeToken, type NotificationRuntime } from '../../core/notifications/runtime';
import { renderEmail } from '../../core/notifications/templates';

/** How long approve/discard links in a mail stay valid (the run's own approval timeout still rules). */
const ACTION_LINK_TTL_MS = 7 * 24 * 3600 * 1000;

export interface NotificationActivityDeps {
  db: Db;
  /** Mail, signing and sealing; without it, email deliveries are recorded as skipped. */
  notifications?: NotificationRuntime;
}

/**
 * Activities of the notification fan-out. Every one is idempotent: deliveries are rows with a unique key, and a
 * delivery whose row says it went out is not sent again.
 */
export function createNotificationActivities(deps: NotificationActivityDeps) {
  const { db } = deps;

  async function loadEvent(id: string, q: Tx = db): Promise<NotificationEventRow> {
    const event = await findNotificationEvent(q, id);
    if (!event) throw ApplicationFailure.nonRetryable(`notification event ${id} does not exist`, 'not_found');
    return event;
  }

  /** The absolute URL of a dashboard path. */
  const absolute = (path: string, base: string) => (/^https?:\/\//.test(path) ? path : `${base}${path.startsWith('/') ? '' : '/'}${path}`);

  /** Approve and discard links for an approver of a run waiting for approval. */
  async function approvalActions(tx: Tx, event: NotificationEventRow, userId: string, deliveryId: string, rt: NotificationRuntime) {
    const runId = typeof event.payload.runId === 'string' ? event.payload.runId : null;
    if (event.type !== 'run.awaiting_approval' || !runId) return [];
    const approvers = Array.isArray(event.payload.approverUserIds) ? (event.payload.approverUserIds as unknown[]).map(String) : null;
    if (approvers && !approvers.includes(userId)) return [];
    if (!approvers) {
      const role = event.org_id ? await tx('memberships').where({ org_id: event.org_id, user_id: userId }).first('role') : undefined;
      if (!role || !['admin', 'owner'].includes((role as { role: string }).role)) return [];
    }
    const expiresAt = new Date(new Date(event.created_at).getTime() + ACTION_LINK_TTL_MS);
    const link = async (action: LinkAction, label: string) => ({
      label,
      url: `${rt.publicUrl}/action/${await issueActionToken(tx, rt.signingSecret, { action, runId, userId, expiresAt, nonce: deliveryId })}`,
    });
    return [await link('run.approve', 'Approve'), await link('run.discard', 'Discard')];
  }

  return {
    /**
     * Resolves the recipients of an event from their preferences and records one delivery per recipient and channel
     * (unique key: a second run finds the same rows). Returns the deliveries still to be made.
     */
    async planNotificationDeliveries(input: { eventId: string }): Promise<{ deliveries: { id: string; channel: string }[] }> {
      const event = await loadEvent(input.eventId);
      const targets = await resolveRecipients(db, event);
      const rows = await planDeliveries(db, event.id, targets);
      return { deliveries: rows.filter((r) => r.status === 'pending').map((r) => ({ id: r.id, channel: r.channel })) };
    },

    /** The organisation's webhooks that want this event (none for personal events and account mails). */
    async listWebhookTargets(input: { eventId: string }): Promise<{ webhookIds: string[] }> {
      return { webhookIds: await webhookTargets(db, await loadEvent(input.eventId)) };
    },

    /** Puts the notification in the user's inbox and tells their open dashboards. */
    async deliverInApp(input: { deliveryId: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const d = await lockDelivery(tx, input.deliveryId);
        if (!d || d.status !== 'pending') return;
        await markDelivered(tx, d.id, 'sent');
        await announceInboxChanged(tx, d.user_id);
      });
    },

    /**
     * Sends one notification mail. The delivery row is locked while sending and marked sent in the same transaction,
     * so a second attempt waits for the first and then finds it sent. `Message-ID` is derived from the delivery id:
     * the same for every attempt. Without a mail server the delivery is recorded as skipped; a recipient the server
     * refuses permanently (5xx) is recorded as failed; anything else is retried with backoff.
     */
    async deliverEmail(input: { deliveryId: string }): Promise<{ status: string }> {
      const rt = deps.notifications;
      try {
        return await db.transaction(async (tx) => {
          const d = await lockDelivery(tx, input.deliveryId);
          if (!d || d.status !== 'pending') return { status: d?.status ?? 'missing' };
          // Everything inside uses `tx`: a second pooled connection per delivery could starve the pool.
          const event = await loadEvent(d.event_id, tx);
          if (!rt?.mailer) {
            await markDelivered(tx, d.id, 'skipped', 'no mail server is configured (STRATA_SMTP_URL)');
            // Without mail, an operator hands account links on by hand (as before notifications existed).
            const sealed = event.payload.sealedLink as SealedSecret | undefined;
            if (rt && sealed) log.info('account mail not sent (no STRATA_SMTP_URL): hand the link to the user', { userId: d.user_id, type: event.type, link: rt.secrets.open(sealed, linkSealContext(d.user_id, event.type)) });
            return { status: 'skipped' };
          }
          const user = await findUserById(tx, d.user_id);
          if (!user || !isEventType(event.type)) {
            await markDelivered(tx, d.id, 'failed', 'the recipient or event type no longer exists');
            return { status: 'failed' };
          }
          const sealed = event.payload.sealedLink as SealedSecret | undefined;
          const link = sealed ? rt.secrets.open(sealed, linkSealContext(user.id, event.type)) : event.link ? absolute(event.link, rt.publicUrl) : null;
          const unsubscribeUrl = isConfigurable(event.type)
            ? `${rt.publicUrl}/api/v1/notifications/unsubscribe/${unsubscribeToken(rt.signingSecret, { userId: user.id, type: event.type })}`
            : null;
          const mail = renderEmail({
            type: event.type,
            subject: event.subject,
            link,
            payload: event.payload,
            actions: await approvalActions(tx, event, user.id, d.id, rt),
            unsubscribeUrl,
          });
          await rt.mailer.send({
            to: user.email,
            ...mail,
            messageId: `<${d.id}@${new URL(rt.publicUrl).hostname}>`,
            headers: unsubscribeUrl ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
          });
          await markDelivered(tx, d.id, 'sent');
          return { status: 'sent' };
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const code = (err as { responseCode?: number }).responseCode;
        if (typeof code === 'number' && code >= 500 && code < 600) {
          await markDelivered(db, input.deliveryId, 'failed', message);
          return { status: 'failed' };
        }
        await recordAttemptFailed(db, input.deliveryId, message).catch(() => undefined);
        throw err;
      }
    },

    /**
     * Raises an event from a workflow and starts its fan-out: idempotent by `dedupeKey` (the event) and by the
     * workflow ID `notify:<eventId>` (the fan-out). `namespace` fills in the organisation that owns it.
     */
    async raiseNotification(input: { event: Omit<EmitInput, 'orgId' | 'dedupeKey'> & { orgId?: string | null }; namespace?: string; dedupeKey: string }): Promise<{ eventId: string }> {
      let orgId = input.event.orgId ?? null;
      if (!orgId && input.namespace) {
        const ns = await db('namespaces').whereRaw('lower(name) = lower(?)', [input.namespace]).first('org_id');
        orgId = (ns as { org_id: string } | undefined)?.org_id ?? null;
      }
      const { eventId } = await db.transaction((tx) => emitNotification(tx, { ...input.event, orgId, dedupeKey: input.dedupeKey }));
      const ctx = Context.current();
      await dispatchNotifications({ temporal: ctx.client, db, taskQueue: ctx.info.taskQueue }, [eventId]);
      return { eventId };
    },

    /** Starts the fan-out of committed events nobody started (see the `notification-sweep` schedule). */
    async dispatchPendingNotifications(input: { olderThanSeconds: number; limit: number }): Promise<{ started: number }> {
      const rows: { id: string }[] = await db('notification_events')
        .whereNull('dispatched_at')
        .where('created_at', '<', db.raw(`now() - make_interval(secs => ?)`, [input.olderThanSeconds]))
        .orderBy('created_at')
        .limit(input.limit)
        .select('id');
      const ctx = Context.current();
      await dispatchNotifications({ temporal: ctx.client, db, taskQueue: ctx.info.taskQueue }, rows.map((r) => r.id));
      return { started: rows.length };
    },
  };
}
