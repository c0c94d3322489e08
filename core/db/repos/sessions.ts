import type { Tx } from '../knex';

export interface SessionRow {
  id: string;
  user_id: string;
  ip: string | null;
  user_agent: string | null;
  method: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const columns = ['id', 'user_id', 'ip', 'user_agent', 'method', 'created_at', 'last_seen_at', 'expires_at', 'revoked_at'];

export async function insertSession(
  db: Tx,
  row: { userId: string; tokenHash: string; ip: string | null; userAgent: string | null; method: string; expiresAt: Date },
): Promise<SessionRow> {
  const [inserted] = await db('sessions')
    .insert({ user_id: row.userId, token_hash: row.tokenHash, ip: row.ip, user_agent: row.userAgent, method: row.method, expires_at: row.expiresAt })
    .returning(columns);
  return inserted as SessionRow;
}

/** The session for a cookie, if it is neither revoked, past its absolute expiry, nor idle for longer than `idleSeconds`. */
export async function findLiveSession(db: Tx, tokenHash: string, idleSeconds: number): Promise<SessionRow | undefined> {
  return db('sessions')
    .where({ token_hash: tokenHash })
    .whereNull('revoked_at')
    .where('expires_at', '>', db.fn.now())
    .whereRaw('last_seen_at > now() - make_interval(secs => ?)', [idleSeconds])
    .first(columns);
}

export async function listLiveSessions(db: Tx, userId: string): Promise<SessionRow[]> {
  return db('sessions').where({ user_id: userId }).whereNull('revoked_at').where('expires_at', '>', db.fn.now()).select(columns).orderBy('last_seen_at', 'desc');
}

export async function revokeSession(db: Tx, userId: string, id: string): Promise<boolean> {
  return (await db('sessions').where({ id, user_id: userId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() })) > 0;
}

export async function revokeAllSessions(db: Tx, userId: string): Promise<number> {
  return db('sessions').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
}

export async function touchSessions(db: Tx, ids: string[]): Promise<void> {
  if (ids.length) await db('sessions').whereIn('id', ids).whereNull('revoked_at').update({ last_seen_at: db.fn.now() });
}

/** Revokes every live session of the user except `keep` (the one making the change). */
export async function revokeOtherSessions(db: Tx, userId: string, keep: string | undefined): Promise<number> {
  const q = db('sessions').where({ user_id: userId }).whereNull('revoked_at');
  if (keep) q.whereNot({ id: keep });
  return q.update({ revoked_at: db.fn.now() });
}
