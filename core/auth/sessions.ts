import { randomBytes } from 'node:crypto';
import type { Tx } from '../db/knex';
import { insertSession, type SessionRow } from '../db/repos/sessions';
import { hashToken } from './tokens';

/** Opens a session: the cookie value is returned once; only its hash is stored. */
export async function openSession(
  db: Tx,
  input: { userId: string; method: string; ip: string | null; userAgent: string | null; maxSeconds: number },
): Promise<{ cookie: string; session: SessionRow }> {
  const cookie = randomBytes(32).toString('base64url');
  const session = await insertSession(db, {
    userId: input.userId,
    tokenHash: hashToken(cookie),
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
    method: input.method,
    expiresAt: new Date(Date.now() + input.maxSeconds * 1000),
  });
  return { cookie, session };
}
