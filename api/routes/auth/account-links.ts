import type { Context } from 'koa';
import { issueAccountToken } from '../../../core/auth/account-tokens';
import type { Tx } from '../../../core/db/knex';
import type { UserRow } from '../../../core/db/repos/users';
import { dispatchAfterCommit, emitNotification } from '../../../core/notifications/emit';
import { linkSealContext } from '../../../core/notifications/runtime';
import type { AppDeps, AppState } from '../../deps';
import { audit } from '../../authz';

type Ctx = Context & { state: AppState };

/** The dashboard page a link opens, with its single-use token. */
export function accountLink(deps: Pick<AppDeps, 'config'>, page: 'reset-password' | 'verify-email', token: string): string {
  return `${deps.config.publicUrl}/${page}?token=${token}`;
}

/** Sends the mail with it after the caller's transaction committed. */
export type Announce = () => Promise<void>;

/**
 * Raises an account mail (verify, reset, invitation) in `tx`: a personal event whose single-use link is sealed in
 * the payload (opened only by the mail delivery; never shown in the app, never in a webhook). Returns the function
 * that starts its delivery once the transaction has committed.
 */
export async function raiseAccountMail(
  deps: Pick<AppDeps, 'config' | 'db' | 'temporal' | 'notifications'>,
  ctx: Ctx,
  tx: Tx,
  input: { user: Pick<UserRow, 'id' | 'email'>; type: 'user.verify_email' | 'user.password_reset' | 'user.invited'; link: string; subject: string },
): Promise<Announce> {
  const sealedLink = deps.notifications.secrets.seal(input.link, linkSealContext(input.user.id, input.type));
  const { eventId } = await emitNotification(tx, { type: input.type, orgId: null, userId: input.user.id, subject: input.subject, payload: { sealedLink } });
  return () => dispatchAfterCommit(deps, ctx.state.log, [eventId]);
}

/**
 * Issues an email-verification token in `tx`, audits the request and raises the mail with the link (an invitation
 * when an administrator made the account); returns the function that sends it once the transaction has committed.
 */
export async function issueVerification(
  deps: Pick<AppDeps, 'config' | 'db' | 'temporal' | 'notifications'>,
  ctx: Ctx,
  tx: Tx,
  user: Pick<UserRow, 'id' | 'email'>,
  kind: 'verify' | 'invite' = 'verify',
): Promise<Announce> {
  const token = await issueAccountToken(tx, user.id, 'email_verification');
  await audit(ctx, tx, { orgId: null, action: 'auth.email_verification_requested', target: user.email, result: 'success' });
  const link = accountLink(deps, 'verify-email', token);
  return kind === 'invite'
    ? raiseAccountMail(deps, ctx, tx, { user, type: 'user.invited', link, subject: 'Your Strata account' })
    : raiseAccountMail(deps, ctx, tx, { user, type: 'user.verify_email', link, subject: 'Confirm your email address' });
}
