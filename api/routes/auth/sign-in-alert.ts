import type { Context } from 'koa';
import type { Tx } from '../../../core/db/knex';
import { emitNotification } from '../../../core/notifications/emit';

/**
 * Raises `user.new_sign_in` in the sign-in's transaction when this device (client address and user agent) has not
 * signed in to the account before. Call it before the new session is opened. An account's first sign-in is not
 * news. Returns the event id to dispatch after the commit, or null.
 */
export async function noteNewSignIn(ctx: Context, tx: Tx, user: { id: string }, method: string): Promise<string | null> {
  const ip = ctx.ip || null;
  const userAgent = ctx.get('user-agent') || null;
  const earlier = await tx('sessions').where({ user_id: user.id }).select('ip', 'user_agent').limit(500);
  if (earlier.length === 0) return null;
  if (earlier.some((s: { ip: string | null; user_agent: string | null }) => s.ip === ip && s.user_agent === userAgent)) return null;
  const { eventId } = await emitNotification(tx, {
    type: 'user.new_sign_in',
    orgId: null,
    userId: user.id,
    subject: 'New sign-in to your Strata account',
    link: '/sessions',
    payload: { ip, userAgent, method },
  });
  return eventId;
}
