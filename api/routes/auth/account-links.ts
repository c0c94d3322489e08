import type { Context } from 'koa';
import { issueAccountToken } from '../../../core/auth/account-tokens';
import type { Tx } from '../../../core/db/knex';
import type { UserRow } from '../../../core/db/repos/users';
import type { AppDeps, AppState } from '../../deps';
import { audit } from '../../authz';

type Ctx = Context & { state: AppState };

/** The dashboard page a link opens, with its single-use token. */
export function accountLink(deps: Pick<AppDeps, 'config'>, page: 'reset-password' | 'verify-email', token: string): string {
  return `${deps.config.publicUrl}/${page}?token=${token}`;
}

/**
 * Issues an email-verification token in `tx` and audits the request; returns the function that hands the link on
 * once the transaction has committed. Until mail goes through the notification workflow, that is a log line.
 */
export async function issueVerification(deps: Pick<AppDeps, 'config'>, ctx: Ctx, tx: Tx, user: Pick<UserRow, 'id' | 'email'>): Promise<() => void> {
  const token = await issueAccountToken(tx, user.id, 'email_verification');
  await audit(ctx, tx, { orgId: null, action: 'auth.email_verification_requested', target: user.email, result: 'success' });
  const link = accountLink(deps, 'verify-email', token);
  return () => ctx.state.log.info({ userId: user.id, email: user.email, link }, 'email verification link (send it to the user: mail delivery is not configured yet)');
}
