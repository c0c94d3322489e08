import type { Tx } from '../knex';

export interface AuditEntry {
  actorType: 'user' | 'token' | 'system' | 'anonymous';
  actorId: string | null;
  actorLabel: string | null;
  orgId: string | null;
  action: string;
  target: string | null;
  result: 'success' | 'failure' | 'denied';
  ip: string | null;
  userAgent: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor_type: AuditEntry['actorType'];
  actor_id: string | null;
  actor_label: string | null;
  org_id: string | null;
  action: string;
  target: string | null;
  result: AuditEntry['result'];
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

/** Appends an entry: call it with the transaction of the change it records, so both land or neither. */
export async function insertAudit(db: Tx, e: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    actor_type: e.actorType,
    actor_id: e.actorId,
    actor_label: e.actorLabel,
    org_id: e.orgId,
    action: e.action,
    target: e.target,
    result: e.result,
    ip: e.ip,
    user_agent: e.userAgent?.slice(0, 512) ?? null,
    details: JSON.stringify(e.details ?? {}),
  });
}

export interface AuditQuery {
  /** Null: every organisation (platform admins). */
  orgIds: string[] | null;
  actor?: string;
  action?: string;
  target?: string;
  since?: Date;
  until?: Date;
  q?: string;
  /** Entries with an id below this one (keyset pagination, newest first). */
  before?: string;
  limit: number;
}

export function auditQuery(db: Tx, f: AuditQuery) {
  const q = db('audit_log as a').leftJoin('organizations as o', 'o.id', 'a.org_id').select(['a.*', 'o.name as org_name']).orderBy('a.id', 'desc');
  if (f.orgIds) q.whereIn('a.org_id', f.orgIds);
  if (f.actor) q.where((w) => w.where('a.actor_id', f.actor!).orWhereRaw('lower(a.actor_label) = lower(?)', [f.actor!]));
  if (f.action) q.where((w) => (f.action!.endsWith('*') ? w.whereLike('a.action', `${f.action!.slice(0, -1)}%`) : w.where('a.action', f.action!)));
  if (f.target) q.where('a.target', f.target);
  if (f.since) q.where('a.at', '>=', f.since);
  if (f.until) q.where('a.at', '<', f.until);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.where((w) => w.whereILike('a.action', like).orWhereILike('a.target', like).orWhereILike('a.actor_label', like).orWhereILike('a.ip', like));
  }
  if (f.before) q.where('a.id', '<', f.before);
  return q.limit(f.limit);
}
