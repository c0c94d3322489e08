import type { Tx } from '../knex';

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  bootstrap: boolean;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const columns = ['id', 'name', 'prefix', 'scopes', 'bootstrap', 'created_at', 'last_used_at', 'revoked_at'];

export async function insertToken(
  db: Tx,
  row: { name: string; prefix: string; tokenHash: string; bootstrap?: boolean; scopes?: string[] },
): Promise<TokenRow> {
  const [inserted] = await db('api_tokens')
    .insert({
      name: row.name,
      prefix: row.prefix,
      token_hash: row.tokenHash,
      bootstrap: row.bootstrap ?? false,
      scopes: JSON.stringify(row.scopes ?? ['admin']),
    })
    .onConflict('token_hash')
    .ignore()
    .returning(columns);
  return inserted as TokenRow;
}

export async function findActiveTokenByHash(db: Tx, tokenHash: string): Promise<TokenRow | undefined> {
  return db('api_tokens').where({ token_hash: tokenHash }).whereNull('revoked_at').first(columns);
}

export async function findTokenByHash(db: Tx, tokenHash: string): Promise<TokenRow | undefined> {
  return db('api_tokens').where({ token_hash: tokenHash }).first(columns);
}

export async function listTokens(db: Tx): Promise<TokenRow[]> {
  return db('api_tokens').select(columns).orderBy('created_at', 'desc');
}

export async function revokeToken(db: Tx, id: string): Promise<boolean> {
  const n = await db('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return n > 0;
}

export async function touchTokens(db: Tx, ids: string[]): Promise<void> {
  if (ids.length) await db('api_tokens').whereIn('id', ids).update({ last_used_at: db.fn.now() });
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
