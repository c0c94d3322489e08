import type { InputSchema } from '../../plugins/input-schema';
import type { Tx } from '../knex';

export interface PluginRow {
  id: string;
  org_id: string;
  name: string;
  description: string;
  locked: boolean;
  created_at: Date;
}

export interface PluginVersionRow {
  id: string;
  plugin_id: string;
  version: string;
  blob_key: string;
  sha256: string;
  description: string;
  inputs: InputSchema;
  entry: 'index.js' | 'index.ts';
  published_by: string | null;
  created_at: Date;
}

export type AccessRequestStatus = 'pending' | 'approved' | 'rejected' | 'revoked';

export interface AccessRequestRow {
  id: string;
  plugin_id: string;
  user_id: string;
  status: AccessRequestStatus;
  reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

/** A plugin with its newest version's number (by semver order, computed by the caller) and version count. */
export interface PluginListRow extends PluginRow {
  versions: string[];
}

export async function findPlugin(db: Tx, orgId: string, name: string): Promise<PluginRow | undefined> {
  return db<PluginRow>('pulumi_plugins').where({ org_id: orgId }).whereRaw('lower(name) = lower(?)', [name]).first();
}

/** The organisation's plugins whose name or description contains `q` (case-insensitive), by name. */
export async function listPlugins(db: Tx, orgId: string, q?: string): Promise<PluginListRow[]> {
  const query = db('pulumi_plugins as p')
    .leftJoin('pulumi_plugin_versions as v', 'v.plugin_id', 'p.id')
    .where('p.org_id', orgId)
    .groupBy('p.id')
    .orderBy('p.name')
    .select('p.*', db.raw("coalesce(array_agg(v.version) filter (where v.version is not null), '{}') as versions"));
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    void query.where((w) => w.whereILike('p.name', like).orWhereILike('p.description', like));
  }
  return (await query) as PluginListRow[];
}

export async function listPluginVersions(db: Tx, pluginId: string): Promise<PluginVersionRow[]> {
  return db<PluginVersionRow>('pulumi_plugin_versions').where({ plugin_id: pluginId }).orderBy('created_at', 'desc');
}

export async function findPluginVersion(db: Tx, pluginId: string, version: string): Promise<PluginVersionRow | undefined> {
  return db<PluginVersionRow>('pulumi_plugin_versions').where({ plugin_id: pluginId, version }).first();
}

/** Creates the plugin on its first publish, else refreshes its description; returns its id. */
export async function upsertPlugin(db: Tx, row: { org_id: string; name: string; description: string }): Promise<string> {
  const [out] = await db('pulumi_plugins')
    .insert(row)
    .onConflict(['org_id', 'name'])
    .merge({ description: row.description })
    .returning('id');
  return (out as { id: string }).id;
}

export async function insertPluginVersion(
  db: Tx,
  row: Pick<PluginVersionRow, 'plugin_id' | 'version' | 'blob_key' | 'sha256' | 'description' | 'entry' | 'published_by'> & { inputs: InputSchema },
): Promise<PluginVersionRow> {
  const [inserted] = await db('pulumi_plugin_versions')
    .insert({ ...row, inputs: JSON.stringify(row.inputs) })
    .returning('*');
  return inserted as PluginVersionRow;
}

export async function setPluginLocked(db: Tx, pluginId: string, locked: boolean): Promise<void> {
  await db('pulumi_plugins').where({ id: pluginId }).update({ locked });
}

/** Access requests of a plugin, newest first, with the requester's email and name. */
export async function listAccessRequests(db: Tx, pluginId: string): Promise<(AccessRequestRow & { email: string; user_name: string | null })[]> {
  return db('plugin_access_requests as r')
    .join('users as u', 'u.id', 'r.user_id')
    .where('r.plugin_id', pluginId)
    .orderBy('r.created_at', 'desc')
    .select('r.*', 'u.email', 'u.name as user_name');
}

export async function findAccessRequest(db: Tx, pluginId: string, id: string): Promise<AccessRequestRow | undefined> {
  return db<AccessRequestRow>('plugin_access_requests').where({ plugin_id: pluginId, id }).first();
}

/** The user's request that is pending or approved (at most one, by a unique index). */
export async function openAccessRequest(db: Tx, pluginId: string, userId: string): Promise<AccessRequestRow | undefined> {
  return db<AccessRequestRow>('plugin_access_requests').where({ plugin_id: pluginId, user_id: userId }).whereIn('status', ['pending', 'approved']).first();
}

export async function insertAccessRequest(db: Tx, row: { plugin_id: string; user_id: string; reason: string | null }): Promise<AccessRequestRow> {
  const [inserted] = await db('plugin_access_requests').insert(row).returning('*');
  return inserted as AccessRequestRow;
}

/** Moves a request from one of `from` to `to`; returns the updated row, or undefined if it was in another status. */
export async function decideAccessRequest(
  db: Tx,
  id: string,
  input: { from: AccessRequestStatus[]; to: AccessRequestStatus; decidedBy: string | null },
): Promise<AccessRequestRow | undefined> {
  const [row] = await db('plugin_access_requests')
    .where({ id })
    .whereIn('status', input.from)
    .update({ status: input.to, decided_by: input.decidedBy, decided_at: db.fn.now() })
    .returning('*');
  return row as AccessRequestRow | undefined;
}
