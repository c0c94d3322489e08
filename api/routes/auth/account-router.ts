import Router from '@koa/router';
import type { Context } from 'koa';
import { checkAccountToken, issueAccountToken, redeemError } from '../../../core/auth/account-tokens';
import { hashPassword, passwordProblem, verifyPassword } from '../../../core/auth/passwords';
import { clearFailures, lockedFor, recordFailure } from '../../../core/db/repos/auth-throttle';
import { revokeAllSessions, revokeOtherSessions } from '../../../core/db/repos/sessions';
import { findUserByEmail, findUserById, markEmailVerified, passwordHashOf, setPasswordHash, type UserRow } from '../../../core/db/repos/users';
import { Conflict, DomainError, Forbidden, Invalid } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { audit, requireUser } from '../../authz';
import { readJson } from '../../body';
import { enforceRateLimit } from '../../rate-limit';
import { accountLink, issueVerification, raiseAccountMail } from './account-links';
import { changePasswordInput, passwordResetConfirmInput, passwordResetInput, verifyEmailInput } from './schemas';

type Ctx = Context & { state: AppState };

// Per client IP, more requests are allowed than per account (an office behind one NAT).
const IP_FACTOR = 5;

/**
 * Password reset, email verification and password change. Links carry single-use, expiring tokens stored only as
 * hashes; they are mailed through the notification workflow (sealed in the outbox, never for an unknown address,
 * never into the audit log).
 */
export function accountRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  /**
   * Always 202, whether or not the address has an account, after the same work (a throttle check, a look-up and a
   * transaction with an audit entry): neither the answer nor its timing tells which emails exist.
   */
  router.post('/auth/password-reset', async (ctx) => {
    const { email: raw } = passwordResetInput.parse(await readJson(ctx));
    const email = raw.toLowerCase();
    const limit = deps.config.rateLimits.passwordReset;
    await enforceRateLimit(deps.db, 'password-reset', `email:${email}`, limit, 'password reset requests');
    await enforceRateLimit(deps.db, 'password-reset', `ip:${ctx.ip}`, { ...limit, limit: limit.limit * IP_FACTOR }, 'password reset requests');
    const user = await findUserByEmail(deps.db, email);
    const eligible = user && !user.disabled_at && user.password_hash ? user : null;
    const announce = await deps.db.transaction(async (tx) => {
      if (!eligible) {
        await audit(ctx, tx, { orgId: null, action: 'auth.password_reset_requested', target: email, result: 'failure', details: { reason: 'no_account' } });
        return null;
      }
      const token = await issueAccountToken(tx, eligible.id, 'password_reset');
      await audit(ctx, tx, { orgId: null, action: 'auth.password_reset_requested', target: eligible.email, result: 'success' });
      return raiseAccountMail(deps, ctx, tx, { user: eligible, type: 'user.password_reset', link: accountLink(deps, 'reset-password', token), subject: 'Reset your password' });
    });
    await announce?.();
    ctx.status = 202;
  });

  /** Sets a new password with a reset token: single use; every session of the user ends. */
  router.post('/auth/password-reset/confirm', async (ctx) => {
    const input = passwordResetConfirmInput.parse(await readJson(ctx));
    const user = await deps.db.transaction(async (tx) => {
      const checked = await checkAccountToken(tx, 'password_reset', input.token);
      if ('problem' in checked) return checked;
      const row = await findUserById(tx, checked.userId);
      if (!row || row.disabled_at) return { problem: 'invalid_token' as const };
      const problem = passwordProblem(input.password, { email: row.email, name: row.name });
      // The token stays valid: the person can try a better password with the same link.
      if (problem) throw new Invalid(problem, 'weak_password');
      await setPasswordHash(tx, row.id, await hashPassword(input.password));
      await checked.consume();
      const ended = await revokeAllSessions(tx, row.id);
      await clearFailures(tx, `email:${row.email.toLowerCase()}`);
      await audit(ctx, tx, { principal: principalOf(row), orgId: null, action: 'auth.password_reset', target: row.email, result: 'success', details: { sessionsEnded: ended } });
      return row;
    });
    if ('problem' in user) return refuse(ctx, 'auth.password_reset', user.problem);
    deps.identity.invalidate();
    ctx.status = 204;
  });

  router.post('/auth/verify-email', async (ctx) => {
    const { token } = verifyEmailInput.parse(await readJson(ctx));
    const result = await deps.db.transaction(async (tx) => {
      const checked = await checkAccountToken(tx, 'email_verification', token);
      if ('problem' in checked) return checked;
      const row = await findUserById(tx, checked.userId);
      if (!row || row.disabled_at) return { problem: 'invalid_token' as const };
      await markEmailVerified(tx, row.id);
      await checked.consume();
      await audit(ctx, tx, { principal: principalOf(row), orgId: null, action: 'auth.email_verified', target: row.email, result: 'success' });
      return row;
    });
    if ('problem' in result) return refuse(ctx, 'auth.email_verified', result.problem);
    ctx.status = 204;
  });

  /** Mails a new verification link to the signed-in user. */
  router.post('/me/verify-email', async (ctx) => {
    const p = requireUser(ctx);
    const user = await findUserById(deps.db, p.user.id);
    if (!user) throw new Forbidden('this account no longer exists');
    if (user.email_verified_at) throw new Conflict(`${user.email} is verified already`, 'already_verified');
    await enforceRateLimit(deps.db, 'verify-email', `user:${user.id}`, deps.config.rateLimits.passwordReset, 'verification requests');
    const announce = await deps.db.transaction((tx) => issueVerification(deps, ctx, tx, user));
    await announce();
    ctx.status = 202;
  });

  /**
   * Changes the signed-in user's password (session or personal token). Wrong current passwords count towards the
   * sign-in lockout; every other session of the user ends.
   */
  router.post('/me/password', async (ctx) => {
    const p = requireUser(ctx);
    const input = changePasswordInput.parse(await readJson(ctx));
    const key = `email:${p.user.email.toLowerCase()}`;
    const locked = await lockedFor(deps.db, [key]);
    if (locked > 0) {
      ctx.set('Retry-After', String(locked));
      throw new DomainError('rate_limited', 'too_many_attempts', 'too many wrong passwords: try again later');
    }
    if (!(await verifyPassword(await passwordHashOf(deps.db, p.user.id), input.currentPassword))) {
      const { loginMaxFailures, loginLockSeconds } = deps.config.identity;
      await recordFailure(deps.db, key, loginMaxFailures, loginLockSeconds, loginLockSeconds);
      await audit(ctx, deps.db, { orgId: null, action: 'auth.password_change', target: p.user.email, result: 'failure', details: { reason: 'wrong_password' } });
      throw new Forbidden('the current password is wrong', 'wrong_password');
    }
    const problem = passwordProblem(input.newPassword, { email: p.user.email, name: p.user.name });
    if (problem) throw new Invalid(problem, 'weak_password');
    const hash = await hashPassword(input.newPassword);
    await deps.db.transaction(async (tx) => {
      await setPasswordHash(tx, p.user.id, hash);
      const ended = await revokeOtherSessions(tx, p.user.id, p.sessionId);
      await clearFailures(tx, key);
      await audit(ctx, tx, { orgId: null, action: 'auth.password_change', target: p.user.email, result: 'success', details: { sessionsEnded: ended } });
    });
    deps.identity.invalidate();
    ctx.status = 204;
  });

  /** Records the refused attempt (outside the rolled-back transaction), then answers 400 with the reason. */
  async function refuse(ctx: Ctx, action: string, problem: Parameters<typeof redeemError>[0]): Promise<never> {
    await audit(ctx, deps.db, { orgId: null, action, target: null, result: 'failure', details: { reason: problem } });
    throw redeemError(problem);
  }

  return router;
}

/** The person a link's token belongs to is the actor of what it does, though the request came without a session. */
function principalOf(u: Pick<UserRow, 'id' | 'email' | 'name'>) {
  return { kind: 'user' as const, user: { id: u.id, email: u.email, name: u.name }, via: 'session' as const };
}
