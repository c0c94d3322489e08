import type { SealedSecret } from '../../crypto/envelope';
import type { Tx } from '../knex';
import type { ModuleAddress } from './modules';

export type WebhookStatus = 'pending' | 'installed' | 'manual';

export interface VcsLinkRow {
  id: string;
  module_id: string;
  connection_id: string;
  repository: string;
  subdirectory: string | null;
  tag_pattern: string;
  webhook_url: string;
  webhook_secret_sealed: SealedSecret;
  webhook_id: string | null;
  webhook_status: WebhookStatus;
  webhook_error: string | null;
  last_synced_at: Date | null;
  created_at: Date;
}

/** A link with its module's address and its connection's kind and base URL. */
export interface VcsLinkView extends VcsLinkRow, ModuleAddress {
  kind: string;
  base_url: string;
}

/** The AAD context a link's webhook secret is sealed under. */
export const webhookSecretContext = (linkId: string) => `vcs-link:${linkId}:webhook-secret`;

function view(db: Tx) {
  return db('vcs_links as l')
    .join('modules as m', 'm.id', 'l.module_id')
    .join('vcs_connections as c', 'c.id', 'l.connection_id')
    .select('l.*', 'm.namespace', 'm.name', 'm.system', 'c.kind', 'c.base_url');
}

export async function insertVcsLink(
  db: Tx,
  row: Pick<VcsLinkRow, 'id' | 'module_id' | 'connection_id' | 'repository' | 'subdirectory' | 'tag_pattern' | 'webhook_url' | 'webhook_secret_sealed'>,
): Promise<void> {
  await db('vcs_links').insert({ ...row, webhook_secret_sealed: JSON.stringify(row.webhook_secret_sealed) });
}

export async function findVcsLink(db: Tx, id: string): Promise<VcsLinkView | undefined> {
  return view(db).where('l.id', id).first();
}

export async function findVcsLinkByModule(db: Tx, moduleId: string): Promise<VcsLinkView | undefined> {
  return view(db).where('l.module_id', moduleId).first();
}

/** Links of one provider kind to a repository (matched case-insensitively, as providers do). */
export async function findVcsLinksByRepository(db: Tx, kind: string, repository: string): Promise<VcsLinkView[]> {
  return view(db).where('c.kind', kind).whereRaw('lower(l.repository) = lower(?)', [repository]);
}

/** Link ids in a stable order, a page at a time. */
export async function listVcsLinkIds(db: Tx, page: { after?: string; limit: number }): Promise<string[]> {
  const q = db('vcs_links').orderBy('id').limit(page.limit).select('id');
  if (page.after) q.where('id', '>', page.after);
  return (await q).map((r: { id: string }) => r.id);
}

export async function recordWebhookInstallation(
  db: Tx,
  id: string,
  result: { status: WebhookStatus; webhookId: string | null; error: string | null },
): Promise<void> {
  await db('vcs_links').where({ id }).update({ webhook_status: result.status, webhook_id: result.webhookId, webhook_error: result.error });
}

export async function markVcsLinkSynced(db: Tx, id: string): Promise<void> {
  await db('vcs_links').where({ id }).update({ last_synced_at: db.fn.now() });
}

export async function deleteVcsLink(db: Tx, id: string): Promise<void> {
  await db('vcs_links').where({ id }).delete();
}
