import type { Context } from 'koa';
import { SESSION_COOKIE } from '../../../core/auth/identity-resolver';
import { openSession } from '../../../core/auth/sessions';
import { hashToken } from '../../../core/auth/tokens';
import type { Tx } from '../../../core/db/knex';

/**
 * Opens a session for a user who just signed in (password or SSO), in the caller's transaction. Session fixation:
 * the session the browser had for this user is ended, and a new id is issued.
 */
export async function rotateSession(ctx: Context, tx: Tx, input: { userId: string; method: string; maxSeconds: number }): ReturnType<typeof openSession> {
  const previous = ctx.cookies.get(SESSION_COOKIE);
  if (previous) await tx('sessions').where({ token_hash: hashToken(previous), user_id: input.userId }).whereNull('revoked_at').update({ revoked_at: tx.fn.now() });
  return openSession(tx, { userId: input.userId, method: input.method, ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null, maxSeconds: input.maxSeconds });
}

/** Sets the `strata_session` cookie: HttpOnly, SameSite=Lax, Secure when the public URL is https. */
export function setSessionCookie(ctx: Context, value: string, maxSeconds: number, secure: boolean): void {
  // Behind a TLS-terminating proxy the socket is plain HTTP while the public URL is https: the cookie is still Secure.
  ctx.cookies.secure = secure;
  ctx.cookies.set(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: maxSeconds * 1000, overwrite: true });
}

/** Removes the `strata_session` cookie from the browser. */
export function clearSessionCookie(ctx: Context, secure: boolean): void {
  ctx.cookies.secure = secure;
  ctx.cookies.set(SESSION_COOKIE, null, { httpOnly: true, sameSite: 'lax', path: '/', secure });
}
