import { randomBytes } from 'node:crypto';
import type { Tx } from '../db/knex';
import { insertAccountToken, lockAccountToken, markAccountTokenUsed, type AccountTokenPurpose } from '../db/repos/account-tokens';
import { Invalid } from '../errors';
import { hashToken } from './tokens';

/** How long a link stays valid: a reset briefly, a verification for a day. */
export const ACCOUNT_TOKEN_TTL_SECONDS: Record<AccountTokenPurpose, number> = { password_reset: 3600, email_verification: 86_400 };

/** Issues a single-use token for `purpose`: returned once (for the link), stored only as a hash. */
export async function issueAccountToken(db: Tx, userId: string, purpose: AccountTokenPurpose): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insertAccountToken(db, { userId, purpose, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + ACCOUNT_TOKEN_TTL_SECONDS[purpose] * 1000) });
  return token;
}

/** Why a token cannot be redeemed: unknown (or of another purpose), already used, or past its expiry. */
export type RedeemProblem = 'invalid_token' | 'token_used' | 'token_expired';

const messages: Record<RedeemProblem, string> = {
  invalid_token: 'this link is not valid: ask for a new one',
  token_used: 'this link has been used already: ask for a new one',
  token_expired: 'this link has expired: ask for a new one',
};

/** The 400 for a token that cannot be redeemed. */
export const redeemError = (problem: RedeemProblem) => new Invalid(messages[problem], problem);

/**
 * Checks a token inside the caller's transaction and locks it; `consume` then marks it used in the same
 * transaction, so it is spent exactly when the change it authorises commits (and not when that change fails).
 */
export async function checkAccountToken(db: Tx, purpose: AccountTokenPurpose, token: string): Promise<{ userId: string; consume: () => Promise<void> } | { problem: RedeemProblem }> {
  const row = token.length > 0 && token.length <= 128 ? await lockAccountToken(db, purpose, hashToken(token)) : undefined;
  if (!row) return { problem: 'invalid_token' };
  if (row.used_at) return { problem: 'token_used' };
  if (row.expired) return { problem: 'token_expired' };
  return { userId: row.user_id, consume: () => markAccountTokenUsed(db, row.id) };
}
