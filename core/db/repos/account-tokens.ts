import type { Tx } from '../knex';

export type AccountTokenPurpose = 'password_reset' | 'email_verification';

export interface AccountTokenRow {
  id: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  expires_at: Date;
  used_at: Date | null;
}

export async function insertAccountToken(db: Tx, row: { userId: string; purpose: AccountTokenPurpose; tokenHash: string; expiresAt: Date }): Promise<void> {
  await db('account_tokens').insert({ user_id: row.userId, purpose: row.purpose, token_hash: row.tokenHash, expires_at: row.expiresAt });
}

/** The token with this hash and purpose, locked until the transaction ends (two redemptions cannot both win). */
export async function lockAccountToken(db: Tx, purpose: AccountTokenPurpose, tokenHash: string): Promise<(AccountTokenRow & { expired: boolean }) | undefined> {
  return db('account_tokens')
    .where({ purpose, token_hash: tokenHash })
    .forUpdate()
    .first(['id', 'user_id', 'purpose', 'expires_at', 'used_at', db.raw('expires_at <= now() AS expired')]);
}

export async function markAccountTokenUsed(db: Tx, id: string): Promise<void> {
  await db('account_tokens').where({ id }).update({ used_at: db.fn.now() });
}
