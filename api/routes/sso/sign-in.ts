import type { Context } from 'koa';
import { SsoRefused, type SsoClaims } from '../../../core/auth/oidc-clients';
import { sameValue, type SsoFlow } from '../../../core/auth/sso-flow';
import { syncSsoTeams } from '../../../core/auth/sso-teams';
import { userForSsoSignIn } from '../../../core/auth/sso-users';
import { DomainError } from '../../../core/errors';
import { audit } from '../../authz';
import type { AppDeps, AppState } from '../../deps';
import { rotateSession } from '../auth/session-cookie';
import { noteNewSignIn } from '../auth/sign-in-alert';
import { dispatchAfterCommit } from '../../../core/notifications/emit';

type Ctx = Context & { state: AppState };

/**
 * The callback's work once the browser is back from the identity provider: checks the flow against the answer,
 * exchanges the code, finds or creates the user, follows the groups claim into teams and opens a session — all
 * audited as `auth.login`, success in the transaction of the session, failure on its own.
 * Returns the new session's cookie value and where to send the browser; throws the DomainError that refused the sign-in (already audited).
 */
export async function completeSsoSignIn(ctx: Ctx, deps: AppDeps, providerId: string, flow: SsoFlow | null, state: string | undefined): Promise<{ cookie: string; returnTo: string }> {
  const method = `oidc:${providerId}`;
  let claims: SsoClaims | null = null;
  try {
    // The state binds the answer to the browser that started the sign-in (no login CSRF, no stolen callback URL).
    if (!flow || flow.provider !== providerId || !state || !sameValue(state, flow.state)) {
      throw new SsoRefused('sso_state_mismatch', 'this sign-in was not started in this browser, or took longer than 10 minutes: start again', flow ? 'state_mismatch' : 'no_flow');
    }
    claims = await deps.oidc.complete(flow, ctx.querystring);
    const signedIn = claims;
    const result = await deps.db.transaction(async (tx) => {
      const { user, created, linked } = await userForSsoSignIn(tx, providerId, signedIn);
      const teams = await syncSsoTeams(tx, user.id, signedIn.groups);
      const alert = await noteNewSignIn(ctx, tx, user, method);
      const opened = await rotateSession(ctx, tx, { userId: user.id, method, maxSeconds: deps.config.identity.sessionMaxSeconds });
      await audit(ctx, tx, {
        principal: { kind: 'user', user: { id: user.id, email: user.email, name: user.name }, via: 'session', sessionId: opened.session.id },
        orgId: null,
        action: 'auth.login',
        target: user.email,
        result: 'success',
        details: { method, sessionId: opened.session.id, created, linked, teamsAdded: teams.added, teamsRemoved: teams.removed },
      });
      return { cookie: opened.cookie, teamsChanged: teams.added + teams.removed > 0, alert };
    });
    if (result.alert) await dispatchAfterCommit(deps, ctx.state.log, [result.alert]);
    if (result.teamsChanged) deps.identity.invalidate();
    return { cookie: result.cookie, returnTo: flow.returnTo };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const reason = err instanceof SsoRefused ? err.reason : err.code;
    await audit(ctx, deps.db, {
      principal: { kind: 'anonymous' },
      orgId: null,
      action: 'auth.login',
      target: claims?.email ?? providerId,
      result: 'failure',
      details: { method, reason },
    });
    throw err;
  }
}
