import type { Tx } from '../knex';

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  bootstrap: boolean;
  user_id: string | null;
  expires_at: Date | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  /** Set for a token minted for one phase of a run. */
  run_id: string | null;
}

const columns = ['id', 'name', 'prefix', 'scopes', 'bootstrap', 'user_id', 'expires_at', 'created_at', 'last_used_at', 'revoked_at', 'run_id'];

export async function insertToken(
  db: Tx,
  row: { name: string; prefix: string; tokenHash: string; bootstrap?: boolean; scopes?: string[]; userId?: string | null; expiresAt?: Date | null; runId?: string | null },
): Promise<TokenRow> {
  const [inserted] = await db('api_tokens')
    .insert({
      name: row.name,
      prefix: row.prefix,
      token_hash: row.tokenHash,
      bootstrap: row.bootstrap ?? false,
      scopes: JSON.stringify(row.scopes ?? ['admin']),
      user_id: row.userId ?? null,
      expires_at: row.expiresAt ?? null,
      run_id: row.runId ?? null,
    })
    .onConflict('token_hash')
    .ignore()
    .returning(columns);
  return inserted as TokenRow;
}

/** A token that may sign in: not revoked, not expired. */
export async function findUsableTokenByHash(db: Tx, tokenHash: string): Promise<TokenRow | undefined> {
  return db('api_tokens')
    .where({ token_hash: tokenHash })
    .whereNull('revoked_at')
    .where((w) => w.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now()))
    .first(columns);
}

/** Records use, in batches (never a write per request). */
export async function touchTokens(db: Tx, ids: string[]): Promise<void> {
  if (ids.length) await db('api_tokens').whereIn('id', ids).update({ last_used_at: db.fn.now() });
}

export async function findTokenByHash(db: Tx, tokenHash: string): Promise<TokenRow | undefined> {
  return db('api_tokens').where({ token_hash: tokenHash }).first(columns);
}

/** The tokens of a user, or (null) the service tokens that belong to no user. */
export async function listTokens(db: Tx, userId: string | null): Promise<TokenRow[]> {
  const q = db('api_tokens').select(columns).whereNull('run_id').orderBy('created_at', 'desc');
  return userId ? q.where({ user_id: userId }) : q.whereNull('user_id');
}

/** Revokes a token of the given owner (a user id, or null for service tokens). */
export async function revokeToken(db: Tx, id: string, userId: string | null): Promise<TokenRow | undefined> {
  const q = db('api_tokens').where({ id }).whereNull('revoked_at');
  const [row] = await (userId ? q.where({ user_id: userId }) : q.whereNull('user_id')).update({ revoked_at: db.fn.now() }).returning(columns);
  return row as TokenRow | undefined;
}

export async function hasBootstrapToken(db: Tx): Promise<boolean> {
  return Boolean(await db('api_tokens').where({ bootstrap: true }).whereNull('revoked_at').first('id'));
}

/** Active bootstrap tokens with the given name (the configured one and the generated one are named apart). */
export async function listActiveBootstrapTokens(db: Tx): Promise<(TokenRow & { token_hash: string })[]> {
  return db('api_tokens').where({ bootstrap: true }).whereNull('revoked_at').select([...columns, 'token_hash']);
}

/** Revokes every active bootstrap token except the one with `keepHash`; returns how many were revoked. */
export async function revokeBootstrapTokensExcept(db: Tx, keepHash: string): Promise<number> {
  return db('api_tokens').where({ bootstrap: true }).whereNull('revoked_at').whereNot({ token_hash: keepHash }).update({ revoked_at: db.fn.now() });
}
