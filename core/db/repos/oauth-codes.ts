import type { Tx } from '../knex';

export interface OAuthCodeRow {
  id: string;
  user_id: string;
  session_id: string | null;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  expires_at: Date;
  used_at: Date | null;
  token_id: string | null;
}

const columns = ['id', 'user_id', 'session_id', 'client_id', 'redirect_uri', 'code_challenge', 'expires_at', 'used_at', 'token_id'];

export async function insertOAuthCode(
  db: Tx,
  row: { codeHash: string; userId: string; sessionId: string | null; clientId: string; redirectUri: string; codeChallenge: string; expiresAt: Date },
): Promise<void> {
  await db('oauth_codes').insert({
    code_hash: row.codeHash,
    user_id: row.userId,
    session_id: row.sessionId,
    client_id: row.clientId,
    redirect_uri: row.redirectUri,
    code_challenge: row.codeChallenge,
    expires_at: row.expiresAt,
  });
}

/**
 * Marks the code used and returns it with whether it was still within its lifetime; undefined when it is unknown
 * or was used before. One UPDATE, so two concurrent exchanges of one code cannot both succeed.
 */
export async function consumeOAuthCode(db: Tx, codeHash: string): Promise<(OAuthCodeRow & { live: boolean }) | undefined> {
  const [row] = await db('oauth_codes')
    .where({ code_hash: codeHash })
    .whereNull('used_at')
    .update({ used_at: db.fn.now() })
    .returning([...columns, db.raw('expires_at > now() AS live')]);
  return row as (OAuthCodeRow & { live: boolean }) | undefined;
}

/** A code that was already exchanged (a replay), or undefined. */
export async function findUsedOAuthCode(db: Tx, codeHash: string): Promise<OAuthCodeRow | undefined> {
  return db('oauth_codes').where({ code_hash: codeHash }).whereNotNull('used_at').first(columns);
}

export async function setOAuthCodeToken(db: Tx, id: string, tokenId: string): Promise<void> {
  await db('oauth_codes').where({ id }).update({ token_id: tokenId });
}

/** Forgets codes that expired more than a day ago (their replays then simply fail as unknown). */
export async function deleteStaleOAuthCodes(db: Tx): Promise<number> {
  return db('oauth_codes').where('expires_at', '<', db.raw("now() - interval '1 day'")).del();
}
