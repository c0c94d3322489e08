import { Context } from '@temporalio/activity';
import { dispatchNotifications, emitNotification } from '../../core/notifications/emit';
import { findOrgById } from '../../core/db/repos/organizations';
import type { Db } from '../../core/db/knex';
import { insertAudit } from '../../core/db/repos/audit';
import { findNotificationEvent } from '../../core/db/repos/notification-events';
import {
  disableWebhook,
  ensureWebhookDelivery,
  findWebhookDeliveryById,
  findWebhookWithSecret,
  markDeliveryFailed,
  markWebhookFailing,
  markWebhookHealthy,
  recordDeliveryAttempt,
  webhookSecretContext,
} from '../../core/db/repos/webhooks';
import { SecretUnreadable } from '../../core/crypto/envelope';
import { Invalid } from '../../core/errors';
import { postWebhook } from '../../core/notifications/webhook-endpoint';
import { cloudEventBody, signWebhook } from '../../core/notifications/webhook-signature';
import type { GuardedTls } from '../../core/vcs/guarded-fetch';
import type { VcsRuntime } from '../../core/vcs/runtime';
import { withDomainFailures } from '../failures';

/** An endpoint that has failed every attempt for this long is turned off (Standard Webhooks' usual practice). */
export const WEBHOOK_DISABLE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface WebhookActivityDeps {
  db: Db;
  /** The key that opens webhook secrets and the private-network policy (shared with VCS). */
  vcs?: VcsRuntime;
  /** Strata's public URL: the CloudEvents `source` and the base of dashboard links. */
  publicUrl?: string;
  /** Extra TLS trust for endpoints (a private CA); tests pass theirs. */
  webhookTls?: GuardedTls;
}

export interface DeliveryStart {
  /** Null when there is nothing to deliver: the webhook or the event is gone. */
  deliveryId: string | null;
  /** False when the delivery is finished already (delivered or given up) or the webhook is off. */
  proceed: boolean;
}

export interface AttemptResult {
  delivered: boolean;
  /** No further attempt: the webhook is gone or off (turned off now, after a day of failures, or by a person). */
  stop: boolean;
}

/**
 * Outgoing webhook deliveries. Inputs and results carry ids and verdicts only: the secret is opened inside the
 * attempt and never leaves it, so it never reaches the workflow history.
 */
export function createWebhookActivities(deps: WebhookActivityDeps) {
  const { db } = deps;
  const runtime = () => {
    if (!deps.vcs) throw new Invalid('this worker was started without an encryption key / network policy', 'webhooks_not_configured');
    return deps.vcs;
  };

  return {
    /** Creates (or finds, on a retry) the delivery row of this workflow. Idempotent on (webhook, event, redelivery). */
    async startWebhookDelivery(input: { eventId: string; webhookId: string; redelivery: number; workflowId: string }): Promise<DeliveryStart> {
      const [webhook, event] = await Promise.all([findWebhookWithSecret(db, input.webhookId), findNotificationEvent(db, input.eventId)]);
      if (!webhook || !event) return { deliveryId: null, proceed: false };
      const delivery = await ensureWebhookDelivery(db, { webhookId: webhook.id, eventId: event.id, redelivery: input.redelivery, workflowId: input.workflowId });
      if (delivery.status === 'delivered' || delivery.status === 'failed') return { deliveryId: delivery.id, proceed: false };
      if (!webhook.enabled) {
        await markDeliveryFailed(db, delivery.id, 'the webhook is disabled');
        return { deliveryId: delivery.id, proceed: false };
      }
      return { deliveryId: delivery.id, proceed: true };
    },

    /**
     * One attempt: signs the CloudEvents body (Standard Webhooks headers) and POSTs it through the network policy,
     * then records the outcome. A failure starts or extends the webhook's failing streak; a streak of a day turns
     * the webhook off (audited as the system). An attempt already recorded (the activity retried after recording)
     * is not sent again.
     */
    async attemptWebhookDelivery(input: { deliveryId: string; attempt: number; retryInSeconds: number | null }): Promise<AttemptResult> {
      return withDomainFailures(async () => {
        const delivery = await findWebhookDeliveryById(db, input.deliveryId);
        if (!delivery) return { delivered: false, stop: true };
        if (delivery.status === 'delivered') return { delivered: true, stop: true };
        if (delivery.attempts >= input.attempt) return { delivered: false, stop: delivery.status === 'failed' };
        const [webhook, event] = await Promise.all([findWebhookWithSecret(db, delivery.webhook_id), findNotificationEvent(db, delivery.event_id)]);
        if (!webhook || !event) return { delivered: false, stop: true };
        if (!webhook.enabled) {
          await markDeliveryFailed(db, delivery.id, 'the webhook is disabled');
          return { delivered: false, stop: true };
        }
        const { secrets, policy } = runtime();
        const body = cloudEventBody(
          { id: event.id, type: event.type, subject: event.subject, link: event.link, payload: event.payload, createdAt: new Date(event.created_at) },
          deps.publicUrl ?? '',
        );
        let secret: string;
        try {
          secret = secrets.open(webhook.secret_sealed, webhookSecretContext(webhook.id));
        } catch (err) {
          // Another master key (or an altered row): no retry can fix it, and nothing unsigned is ever sent.
          if (!(err instanceof SecretUnreadable)) throw err;
          await markDeliveryFailed(db, delivery.id, `the webhook's signing secret cannot be opened: ${err.message}`);
          return { delivered: false, stop: true };
        }
        const headers = signWebhook({ secret, id: event.id, timestamp: Math.floor(Date.now() / 1000), body });
        const outcome = await postWebhook({ url: webhook.url, headers, body, policy, tls: deps.webhookTls });
        const nextAttemptAt = !outcome.delivered && input.retryInSeconds !== null ? new Date(Date.now() + input.retryInSeconds * 1000) : null;
        let disabledEvent: string | null = null;
        const result = await db.transaction(async (tx) => {
          await recordDeliveryAttempt(tx, delivery.id, { attempt: input.attempt, ...outcome, nextAttemptAt });
          if (outcome.delivered) {
            await markWebhookHealthy(tx, webhook.id);
            return { delivered: true, stop: true };
          }
          const since = await markWebhookFailing(tx, webhook.id);
          if (!since || Date.now() - new Date(since).getTime() < WEBHOOK_DISABLE_AFTER_MS) return { delivered: false, stop: false };
          const reason = `every delivery has failed since ${new Date(since).toISOString()} (last: ${outcome.error ?? 'no answer'})`;
          if (await disableWebhook(tx, webhook.id, reason)) {
            await insertAudit(tx, {
              actorType: 'system',
              actorId: null,
              actorLabel: 'webhook delivery',
              orgId: webhook.org_id,
              action: 'webhook.disable',
              target: webhook.id,
              result: 'success',
              ip: null,
              userAgent: null,
              details: { url: webhook.url, reason, failingSince: new Date(since).toISOString() },
            });
            // Its organisation's owners and admins are told (email and in the app, by default).
            const org = await findOrgById(tx, webhook.org_id);
            disabledEvent = (
              await emitNotification(tx, {
                type: 'webhook.disabled',
                orgId: webhook.org_id,
                subject: `A webhook of ${org?.name ?? 'your organisation'} was disabled after a day of failures`,
                link: `/orgs/${org?.name ?? ''}/webhooks`,
                payload: { webhookId: webhook.id, url: webhook.url, reason },
                dedupeKey: `webhook.disabled:${webhook.id}:${new Date(since).toISOString()}`,
              })
            ).eventId;
          }
          await markDeliveryFailed(tx, delivery.id, null);
          return { delivered: false, stop: true };
        });
        if (disabledEvent) {
          const ctx = Context.current();
          await dispatchNotifications({ temporal: ctx.client, db, taskQueue: ctx.info.taskQueue }, [disabledEvent]);
        }
        return result;
      });
    },

    /** Gives up on a delivery after its last scheduled attempt. */
    async failWebhookDelivery(input: { deliveryId: string }): Promise<void> {
      await markDeliveryFailed(db, input.deliveryId, null);
    },
  };
}
