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
  /** Null: every organisation and the entries of none (platform admins). */
  orgIds: string[] | null;
  /** A user or token id, or an actor's label (a user's email matches their token actions too). */
  actor?: string;
  /** An action, or a prefix ending in `*` (`member.*`). */
  action?: string;
  target?: string;
  since?: Date;
  until?: Date;
  /** Free text in the action, target, actor or IP. */
  q?: string;
  /** Entries with an id below this one (keyset pagination, newest first). */
  before?: string;
  limit: number;
}

export type AuditListRow = AuditRow & { org_name: string | null };

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Entries matching the filters, newest first, at most `limit` of them. */
export function auditQuery(db: Tx, f: AuditQuery): Promise<AuditListRow[]> {
  const q = db('audit_log as a').leftJoin('organizations as o', 'o.id', 'a.org_id').select(['a.*', 'o.name as org_name']).orderBy('a.id', 'desc');
  if (f.orgIds) q.whereIn('a.org_id', f.orgIds);
  if (f.actor) {
    const actor = f.actor;
    q.where((w) =>
      w
        .where('a.actor_id', actor)
        .orWhereRaw('lower(a.actor_label) = lower(?)', [actor])
        // A user's personal tokens are labelled `<email> (token <id>)`.
        .orWhereRaw("lower(a.actor_label) LIKE lower(?) ESCAPE '\\'", [`${escapeLike(actor)} (token %`]),
    );
  }
  if (f.action) {
    const action = f.action;
    q.where((w) => (action.endsWith('*') ? w.whereRaw("a.action LIKE ? ESCAPE '\\'", [`${escapeLike(action.slice(0, -1))}%`]) : w.where('a.action', action)));
  }
  if (f.target) q.where('a.target', f.target);
  if (f.since) q.where('a.at', '>=', f.since);
  if (f.until) q.where('a.at', '<', f.until);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q.where((w) => w.whereILike('a.action', like).orWhereILike('a.target', like).orWhereILike('a.actor_label', like).orWhereILike('a.ip', like));
  }
  if (f.before) q.where('a.id', '<', f.before);
  return q.limit(f.limit);
}

/**
 * Every entry matching the filters, newest first, read in keyset pages of `pageSize`: an export streams them
 * without holding the table in memory or a connection for the whole download.
 */
export async function* auditEntries(db: Tx, f: Omit<AuditQuery, 'limit'>, pageSize = 500): AsyncGenerator<AuditListRow> {
  let before = f.before;
  for (;;) {
    const rows = await auditQuery(db, { ...f, before, limit: pageSize });
    yield* rows;
    if (rows.length < pageSize) return;
    before = rows[rows.length - 1]!.id;
  }
}
