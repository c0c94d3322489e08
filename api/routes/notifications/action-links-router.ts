import Router from '@koa/router';
import { confirmActionToken, describeActionToken } from '../../../core/notifications/action-links';
import { DomainError } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { audit, requireUser } from '../../authz';
import { signedTokenParams } from './schemas';

/**
 * Approve from the inbox: a mail's signed, single-use, expiring link lands on a confirmation page, which reads
 * the link here (no side effect) and confirms it with the signed-in person's session.
 */
export function actionLinksRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/action-links' });

  router.get('/:token', async (ctx) => {
    const p = requireUser(ctx);
    const { token } = signedTokenParams.parse(ctx.params);
    const claim = await describeActionToken(deps.db, deps.notifications.signingSecret, token);
    ctx.body = { action: claim.action, runId: claim.runId, expiresAt: claim.expiresAt.toISOString(), yours: claim.userId === p.user.id, available: claim.available };
  });

  /** Spends the link and carries out its action: its own person only, once (refusals are audited). */
  router.post('/:token/confirm', async (ctx) => {
    const p = requireUser(ctx);
    const { token } = signedTokenParams.parse(ctx.params);
    try {
      const claim = await deps.db.transaction(async (tx) => {
        const c = await confirmActionToken(tx, deps.notifications.signingSecret, token, { principal: p, access: ctx.state.identity.access });
        await audit(ctx, tx, { orgId: null, action: `action_link.${c.action}`, target: c.runId, result: 'success' });
        return c;
      });
      ctx.body = { action: claim.action, runId: claim.runId, done: true };
    } catch (err) {
      if (err instanceof DomainError) {
        await audit(ctx, deps.db, { orgId: null, action: 'action_link.confirm', target: null, result: 'failure', details: { reason: err.code } });
      }
      throw err;
    }
  });

  return router;
}
