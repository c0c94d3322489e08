import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { insertNotificationEvent } from '../../../core/db/repos/notification-events';
import type { OrgRow } from '../../../core/db/repos/organizations';
import {
  deleteWebhook,
  ensureWebhookDelivery,
  findWebhook,
  findWebhookDelivery,
  insertWebhook,
  listWebhookDeliveries,
  listWebhooks,
  markEventDispatched,
  nextRedelivery,
  updateWebhook,
  webhookSecretContext,
  type WebhookSummary,
} from '../../../core/db/repos/webhooks';
import { Conflict, Invalid, NotFound } from '../../../core/errors';
import { isEventType } from '../../../core/notifications/event-types';
import { checkWebhookUrl } from '../../../core/notifications/webhook-url';
import { generateWebhookSecret } from '../../../core/notifications/webhook-signature';
import { strataAttributes } from '../../../temporal/search-attributes';
import { startWorkflow } from '../../../temporal/start-workflow';
import { deliverWebhook } from '../../../workflows/notifications/deliver-webhook';
import { notificationWorkflowIds } from '../../../workflows/notifications/ids';
import { audit, authorize } from '../../authz';
import { readJson } from '../../body';
import type { AppDeps, AppState } from '../../deps';
import { visibleOrg } from '../orgs/lookup';
import { vcsRuntimeFor } from '../vcs/runtime';
import { statusUrlOf } from '../vcs/workflows';
import { presentWebhook, presentWebhookDelivery } from './present';
import { createWebhookInput, patchWebhookInput, webhookDeliveryParams, webhookParams } from './schemas';

type Ctx = Context & { state: AppState };

/** Every name must be one of the contract's event types; duplicates are dropped, the order kept. */
function eventTypesOf(names: string[]): string[] {
  const unknown = names.filter((n) => !isEventType(n));
  if (unknown.length) throw new Invalid(`unknown event type${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'webhook_event_unknown');
  return [...new Set(names)];
}

/**
 * Outgoing webhooks of an organisation, managed by its admins: create (the signing secret is answered once),
 * list, show, change, delete, the delivery log, redelivery and a test event. Another organisation's webhook is
 * answered as a missing one.
 */
export function webhooksRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/orgs/:org/webhooks' });

  /** The organisation of the path once the principal is known to administer it (outsiders 404, members 403). */
  const managedOrg = async (ctx: Ctx): Promise<OrgRow> => {
    const org = await visibleOrg(deps.db, ctx, webhookParams.pick({ org: true }).parse(ctx.params).org);
    authorize(ctx, 'org.manage', { orgId: org.id });
    return org;
  };
  const managedWebhook = async (ctx: Ctx, known?: OrgRow): Promise<{ org: OrgRow; webhook: WebhookSummary }> => {
    const org = known ?? (await managedOrg(ctx));
    const { id } = webhookParams.parse(ctx.params);
    const webhook = await findWebhook(deps.db, org.id, id);
    if (!webhook) throw new NotFound(`no webhook ${id} in ${org.name}`, 'webhook_not_found');
    return { org, webhook };
  };
  const checkedUrl = async (raw: string) => checkWebhookUrl(raw, (await vcsRuntimeFor(deps.config)).policy);

  /** Starts the delivery workflow of one event to one webhook (its n-th redelivery) and answers where to follow it. */
  const startDelivery = async (org: OrgRow, webhookId: string, eventId: string, redelivery: number) => {
    const workflowId = notificationWorkflowIds.webhookDelivery(eventId, webhookId, redelivery);
    await startWorkflow(deps.temporal, deliverWebhook, {
      workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      input: { eventId, webhookId, attempt: redelivery },
      reusePolicy: 'REJECT_DUPLICATE',
      onAlreadyStarted: 'join',
      searchAttributes: strataAttributes({ kind: 'webhook-delivery', artifact: `${org.name}/${webhookId}` }),
    });
    return { workflowId, statusUrl: statusUrlOf(deps, workflowId) };
  };

  router.get('/', async (ctx) => {
    const org = await managedOrg(ctx);
    ctx.body = { items: (await listWebhooks(deps.db, org.id)).map((w) => presentWebhook(w, org.name)) };
  });

  router.post('/', async (ctx) => {
    const org = await managedOrg(ctx);
    const input = createWebhookInput.parse(await readJson(ctx));
    const events = eventTypesOf(input.events);
    const url = await checkedUrl(input.url);
    const { secrets } = await vcsRuntimeFor(deps.config);
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const principal = ctx.state.identity.principal;
    const row = await deps.db.transaction(async (tx) => {
      const inserted = await insertWebhook(tx, {
        id,
        orgId: org.id,
        url,
        events,
        secretSealed: secrets.seal(secret, webhookSecretContext(id)),
        createdBy: principal.kind === 'user' ? principal.user.id : null,
      });
      await audit(ctx, tx, { orgId: org.id, action: 'webhook.create', target: id, result: 'success', details: { url, events } });
      return inserted;
    });
    ctx.status = 201;
    ctx.body = { ...presentWebhook(row, org.name), secret };
  });

  router.get('/:id', async (ctx) => {
    const { org, webhook } = await managedWebhook(ctx);
    ctx.body = presentWebhook(webhook, org.name);
  });

  router.patch('/:id', async (ctx) => {
    // The body is read before the webhook is looked up: a wrong media type is a 415 whatever the id.
    const managed = await managedOrg(ctx);
    const input = patchWebhookInput.parse(await readJson(ctx));
    const { org, webhook } = await managedWebhook(ctx, managed);
    const change = {
      ...(input.url !== undefined ? { url: await checkedUrl(input.url) } : {}),
      ...(input.events !== undefined ? { events: eventTypesOf(input.events) } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    };
    await deps.db.transaction(async (tx) => {
      await updateWebhook(tx, webhook.id, change);
      const from = { url: webhook.url, events: webhook.events, enabled: webhook.enabled };
      await audit(ctx, tx, { orgId: org.id, action: 'webhook.update', target: webhook.id, result: 'success', details: { from, to: change } });
    });
    ctx.body = presentWebhook((await findWebhook(deps.db, org.id, webhook.id))!, org.name);
  });

  router.delete('/:id', async (ctx) => {
    const { org, webhook } = await managedWebhook(ctx);
    await deps.db.transaction(async (tx) => {
      await deleteWebhook(tx, webhook.id);
      await audit(ctx, tx, { orgId: org.id, action: 'webhook.delete', target: webhook.id, result: 'success', details: { url: webhook.url } });
    });
    ctx.status = 204;
  });

  router.get('/:id/deliveries', async (ctx) => {
    const { webhook } = await managedWebhook(ctx);
    ctx.body = { items: (await listWebhookDeliveries(deps.db, webhook.id)).map(presentWebhookDelivery) };
  });

  /** Sends the delivery's event again, as a new delivery (`…:r<n>`) with its own attempts. */
  router.post('/:id/deliveries/:deliveryId/redeliver', async (ctx) => {
    const { org, webhook } = await managedWebhook(ctx);
    const { deliveryId } = webhookDeliveryParams.parse(ctx.params);
    const original = await findWebhookDelivery(deps.db, webhook.id, deliveryId);
    if (!original) throw new NotFound(`no delivery ${deliveryId} of webhook ${webhook.id}`, 'webhook_delivery_not_found');
    if (!webhook.enabled) throw new Conflict('the webhook is disabled: enable it before redelivering', 'webhook_disabled');
    const delivery = await deps.db.transaction(async (tx) => {
      // One redelivery at a time per event and webhook: the lock orders concurrent clicks, each gets its own number.
      await tx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`webhook-redeliver:${webhook.id}:${original.event_id}`]);
      const n = await nextRedelivery(tx, webhook.id, original.event_id);
      const row = await ensureWebhookDelivery(tx, { webhookId: webhook.id, eventId: original.event_id, redelivery: n, workflowId: notificationWorkflowIds.webhookDelivery(original.event_id, webhook.id, n) });
      await audit(ctx, tx, { orgId: org.id, action: 'webhook.redeliver', target: webhook.id, result: 'success', details: { deliveryId: original.id, eventId: original.event_id, redelivery: n } });
      return row;
    });
    const started = await startDelivery(org, webhook.id, delivery.event_id, delivery.redelivery);
    ctx.status = 202;
    ctx.body = { ...started, deliveryId: delivery.id };
  });

  /** Raises a `webhook.test` event for this webhook only (never fanned out to anyone else) and delivers it. */
  router.post('/:id/test', async (ctx) => {
    const { org, webhook } = await managedWebhook(ctx);
    if (!webhook.enabled) throw new Conflict('the webhook is disabled: enable it before sending a test event', 'webhook_disabled');
    const eventId = await deps.db.transaction(async (tx) => {
      const id = await insertNotificationEvent(tx, {
        type: 'webhook.test',
        orgId: org.id,
        subject: `Test event for the webhook ${webhook.url}`,
        link: `/orgs/${encodeURIComponent(org.name)}/webhooks`,
        payload: { organization: org.name, webhookId: webhook.id },
      });
      await markEventDispatched(tx, id);
      await audit(ctx, tx, { orgId: org.id, action: 'webhook.test', target: webhook.id, result: 'success', details: { eventId: id } });
      return id;
    });
    const started = await startDelivery(org, webhook.id, eventId, 0);
    ctx.status = 202;
    ctx.body = { ...started, eventId };
  });

  return router;
}
