import Router from '@koa/router';
import { verifyPassword } from '../../../core/auth/passwords';
import { clearFailures, lockedFor, recordFailure } from '../../../core/db/repos/auth-throttle';
import { namespacesWithOrg } from '../../../core/db/repos/namespaces';
import { listOrgs } from '../../../core/db/repos/organizations';
import { listLiveSessions, revokeSession } from '../../../core/db/repos/sessions';
import { findUserByEmail, findUserById } from '../../../core/db/repos/users';
import { DomainError, Forbidden, NotFound, Unauthorized } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { audit, requireSignedIn, requireUser } from '../../authz';
import { readJson } from '../../body';
import { presentSession, presentUser } from './present';
import { loginInput, sessionParams } from './schemas';
import { clearSessionCookie, rotateSession, setSessionCookie } from './session-cookie';
import { noteNewSignIn } from './sign-in-alert';
import { dispatchAfterCommit } from '../../../core/notifications/emit';
import type { LoggedIn, Me } from './shapes';

// Per client IP, more failures are allowed than per account (an office behind one NAT).
const IP_FAILURE_FACTOR = 5;

/** Sign-in and sign-out with email + password (dashboard sessions), who am I, and the user's sessions. */
export function authRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1' });
  const { identity: settings } = deps.config;
  const secureCookie = deps.config.publicUrl.startsWith('https:');
  const ownOrigin = new URL(deps.config.publicUrl).origin;

  router.post('/auth/login', async (ctx) => {
    // Login CSRF: a form on another site must not sign the browser in as the attacker.
    const origin = ctx.get('origin');
    if (origin && origin !== ownOrigin && origin !== `${ctx.protocol}://${ctx.get('host')}`) throw new Forbidden('cross-origin sign-in refused', 'csrf_failed');
    const input = loginInput.parse(await readJson(ctx));
    const email = input.email.toLowerCase();
    const keys = [`email:${email}`, `ip:${ctx.ip}`];
    const lockedSeconds = await lockedFor(deps.db, keys);
    if (lockedSeconds > 0) {
      await audit(ctx, deps.db, { orgId: null, action: 'auth.login', target: email, result: 'denied', details: { reason: 'locked' } });
      ctx.set('Retry-After', String(lockedSeconds));
      throw new DomainError('rate_limited', 'too_many_attempts', 'too many failed sign-ins: try again later');
    }
    const user = await findUserByEmail(deps.db, email);
    const ok = await verifyPassword(user?.password_hash ?? null, input.password);
    if (!ok || !user || user.disabled_at) {
      const window = settings.loginLockSeconds;
      await recordFailure(deps.db, keys[0]!, settings.loginMaxFailures, window, settings.loginLockSeconds);
      await recordFailure(deps.db, keys[1]!, settings.loginMaxFailures * IP_FAILURE_FACTOR, window, settings.loginLockSeconds);
      await audit(ctx, deps.db, { orgId: null, action: 'auth.login', target: email, result: 'failure', details: { reason: 'invalid_credentials' } });
      throw new Unauthorized('the email or the password is wrong', 'invalid_credentials');
    }
    const opened = await deps.db.transaction(async (tx) => {
      await clearFailures(tx, keys[0]!);
      const alert = await noteNewSignIn(ctx, tx, user, 'password');
      const s = await rotateSession(ctx, tx, { userId: user.id, method: 'password', maxSeconds: settings.sessionMaxSeconds });
      await audit(ctx, tx, {
        principal: { kind: 'user', user: { id: user.id, email: user.email, name: user.name }, via: 'session', sessionId: s.session.id },
        orgId: null,
        action: 'auth.login',
        target: user.email,
        result: 'success',
        details: { method: 'password', sessionId: s.session.id },
      });
      return { ...s, alert };
    });
    if (opened.alert) await dispatchAfterCommit(deps, ctx.state.log, [opened.alert]);
    setSessionCookie(ctx, opened.cookie, settings.sessionMaxSeconds, secureCookie);
    const body: LoggedIn = { user: presentUser(user), csrfToken: deps.identity.csrfTokenFor(opened.session.id) };
    ctx.body = body;
  });

  router.post('/auth/logout', async (ctx) => {
    const p = ctx.state.identity.principal;
    if (p.kind === 'user' && p.sessionId) {
      await deps.db.transaction(async (tx) => {
        await revokeSession(tx, p.user.id, p.sessionId!);
        await audit(ctx, tx, { orgId: null, action: 'auth.logout', target: p.user.email, result: 'success' });
      });
      deps.identity.invalidate();
    }
    clearSessionCookie(ctx, secureCookie);
    ctx.status = 204;
  });

  router.get('/me', async (ctx) => {
    const p = requireSignedIn(ctx);
    const { access } = ctx.state.identity;
    const orgs = access.platformAdmin ? await listOrgs(deps.db) : await listOrgs(deps.db, Object.keys(access.orgRoles));
    const user = p.kind === 'user' ? await findUserById(deps.db, p.user.id) : undefined;
    const teamNamespaces = await namespacesWithOrg(deps.db, Object.keys(access.namespaceRoles));
    const body: Me = {
      kind: p.kind === 'user' ? 'user' : 'service',
      user: user ? presentUser(user) : null,
      tokenName: p.kind === 'service' ? p.tokenName : null,
      platformAdmin: access.platformAdmin,
      scopes: [...access.scopes],
      organizations: orgs.map((o) => ({ id: o.id, name: o.name, role: access.orgRoles[o.id] ?? null })),
      namespaces: teamNamespaces.map((n) => ({ name: n.name, organization: n.org_name, role: access.namespaceRoles[n.id]! })),
      csrfToken: p.kind === 'user' && p.sessionId ? deps.identity.csrfTokenFor(p.sessionId) : null,
    };
    ctx.body = body;
  });

  router.get('/me/sessions', async (ctx) => {
    const p = requireUser(ctx);
    ctx.body = { items: (await listLiveSessions(deps.db, p.user.id)).map((s) => presentSession(s, p.sessionId)) };
  });

  router.delete('/me/sessions/:id', async (ctx) => {
    const p = requireUser(ctx);
    if (!ctx.state.identity.access.scopes.includes('admin')) throw new Forbidden('ending sessions needs the admin scope');
    const { id } = sessionParams.parse(ctx.params);
    const revoked = await deps.db.transaction(async (tx) => {
      const done = await revokeSession(tx, p.user.id, id);
      if (done) await audit(ctx, tx, { orgId: null, action: 'session.revoke', target: id, result: 'success' });
      return done;
    });
    if (!revoked) throw new NotFound(`you have no active session ${id}`);
    deps.identity.invalidate();
    ctx.status = 204;
  });

  return router;
}
