import type { Tx } from '../../core/db/knex';

/**
 * The webhooks an organisation's event goes to: the seam to the webhooks code, whose repository's
 * `findWebhooksForEvent(db, { orgId, type })` has this very signature. Without it, an event goes to no webhook.
 */
export const findWebhookTargets: (db: Tx, input: { orgId: string; type: string }) => Promise<{ id: string }[]> = async () => [];
