import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '../db/knex';
import { consumeOAuthCode, deleteStaleOAuthCodes, findUsedOAuthCode, insertOAuthCode, setOAuthCodeToken } from '../db/repos/oauth-codes';
import { insertToken, revokeToken, type TokenRow } from '../db/repos/tokens';
import { findUserById } from '../db/repos/users';
import { verifierMatches } from './login-v1';
import { generateToken, hashToken } from './tokens';

// The login.v1 codes and their exchange for API tokens (the protocol's rules are in ./login-v1.ts). A code is
// spent within seconds by the CLI that waits for it; five minutes leave room for a sign-in on the way.
const CODE_LIFETIME_MS = 5 * 60_000;

/** Issues a single-use authorization code for a signed-in user; only its hash is stored. */
export async function issueLoginCode(
  db: Tx,
  input: { userId: string; sessionId: string | null; clientId: string; redirectUri: string; codeChallenge: string },
): Promise<string> {
  const code = randomBytes(32).toString('base64url');
  await deleteStaleOAuthCodes(db);
  await insertOAuthCode(db, { ...input, codeHash: hashToken(code), expiresAt: new Date(Date.now() + CODE_LIFETIME_MS) });
  return code;
}

export type ExchangeResult =
  | { ok: true; token: string; row: TokenRow; user: { id: string; email: string; name: string }; sessionId: string | null }
  /** `revoked`: the code was replayed, and the token it had been exchanged for is now revoked. */
  | { ok: false; description: string; revoked?: TokenRow };

/**
 * Exchanges a code for a new personal API token of the user who authorized it (all of their roles; it acts as
 * them until revoked). The code is spent by the first attempt, right or wrong, so a wrong verifier cannot be
 * retried. `record` writes the audit entries in the same transaction.
 */
export async function exchangeLoginCode(
  db: Db,
  input: { code: string; clientId: string; redirectUri: string; verifier: string; tokenName: string },
  record: (tx: Tx, event: { kind: 'issued'; row: TokenRow; user: { id: string; email: string; name: string }; sessionId: string | null } | { kind: 'replayed'; row: TokenRow }) => Promise<void>,
): Promise<ExchangeResult> {
  const codeHash = hashToken(input.code);
  return db.transaction(async (tx): Promise<ExchangeResult> => {
    const code = await consumeOAuthCode(tx, codeHash);
    if (!code) {
      const used = await findUsedOAuthCode(tx, codeHash);
      const revoked = used?.token_id ? await revokeToken(tx, used.token_id, used.user_id) : undefined;
      if (revoked) await record(tx, { kind: 'replayed', row: revoked });
      return { ok: false, description: 'the authorization code is unknown or was already used', ...(revoked ? { revoked } : {}) };
    }
    if (!code.live) return { ok: false, description: 'the authorization code has expired' };
    if (code.client_id !== input.clientId || code.redirect_uri !== input.redirectUri) {
      return { ok: false, description: 'the code was issued to another client or redirect_uri' };
    }
    if (!verifierMatches(input.verifier, code.code_challenge)) return { ok: false, description: 'code_verifier does not match the code_challenge' };
    const user = await findUserById(tx, code.user_id);
    if (!user || user.disabled_at) return { ok: false, description: 'the account is disabled' };
    const secret = generateToken();
    const row = await insertToken(tx, { name: input.tokenName, prefix: secret.prefix, tokenHash: secret.hash, scopes: ['admin'], userId: user.id });
    await setOAuthCodeToken(tx, code.id, row.id);
    const who = { id: user.id, email: user.email, name: user.name };
    await record(tx, { kind: 'issued', row, user: who, sessionId: code.session_id });
    return { ok: true, token: secret.token, row, user: who, sessionId: code.session_id };
  });
}
