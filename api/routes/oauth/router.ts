import Router from '@koa/router';
import type { Context } from 'koa';
import { exchangeLoginCode, issueLoginCode } from '../../../core/auth/cli-login';
import { isLoopbackRedirect, LOGIN_CLIENT_ID, LOGIN_PATHS } from '../../../core/auth/login-v1';
import { Invalid } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { audit } from '../../authz';
import { readRaw } from '../../body';
import { authorizeQuery, tokenRequest, type TokenRequest } from './schemas';
import type { LoginToken, OAuthError } from './shapes';

/** Where the dashboard signs people in; it comes back to `returnTo` (a path on this origin) afterwards. */
const SIGN_IN_PATH = '/login';

/**
 * `terraform login` / `tofu login` (login.v1, advertised in service discovery). The browser the CLI opens lands on
 * the authorize endpoint: signed in, it is sent straight back to the CLI's loopback server with a code; not
 * signed in, it goes through the dashboard's sign-in first. The CLI then exchanges the code (with its PKCE
 * verifier) for a personal API token at the token endpoint.
 *
 * There is no consent page. A page on another site can send a signed-in browser here, but the code can only go
 * to a loopback port of the user's own machine, and without the verifier, which only the CLI that asked holds,
 * it is worth nothing. A consent click would guard only against a hostile process on that same machine, which
 * could read the credentials file anyway.
 */
export function oauthRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.get(LOGIN_PATHS.authorize, async (ctx) => {
    const q = authorizeQuery.parse(ctx.query);
    // Never redirect to a URI we did not check: a bad client or redirect_uri is answered here (RFC 6749 §4.1.2.1).
    if (q.client_id !== LOGIN_CLIENT_ID) throw new Invalid(`unknown client_id: this server knows only "${LOGIN_CLIENT_ID}"`, 'invalid_client');
    if (!isLoopbackRedirect(q.redirect_uri)) {
      throw new Invalid('redirect_uri must be http://localhost:<port>/… or http://127.0.0.1:<port>/… with a port from 10000 to 10010', 'invalid_redirect_uri');
    }
    ctx.set('Cache-Control', 'no-store');
    const p = ctx.state.identity.principal;
    if (p.kind !== 'user' || p.via !== 'session') {
      ctx.redirect(`${SIGN_IN_PATH}?returnTo=${encodeURIComponent(ctx.originalUrl)}`);
      return;
    }
    // HEAD (a link checker) learns where this would go, but no code is spent on it.
    if (ctx.method !== 'GET') {
      ctx.status = 204;
      return;
    }
    const code = await issueLoginCode(deps.db, {
      userId: p.user.id,
      sessionId: p.sessionId ?? null,
      clientId: q.client_id,
      redirectUri: q.redirect_uri,
      codeChallenge: q.code_challenge,
    });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    ctx.redirect(target.href);
  });

  router.post(LOGIN_PATHS.token, async (ctx) => {
    // The answer carries a secret: no cache may keep it (RFC 6749 §5.1).
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    const input = await readTokenRequest(ctx);
    if ('error' in input) return oauthFailure(ctx, input);
    const agent = ctx.get('user-agent');
    const result = await exchangeLoginCode(
      deps.db,
      {
        code: input.code,
        clientId: input.client_id,
        redirectUri: input.redirect_uri,
        verifier: input.code_verifier,
        // The two CLIs speak the same protocol; the name tells the user which one holds the token.
        tokenName: `${/^terraform\//i.test(agent) ? 'terraform' : 'tofu'} login ${new Date().toISOString().slice(0, 10)}`,
      },
      (tx, event) =>
        event.kind === 'issued'
          ? audit(ctx, tx, {
              principal: { kind: 'user', user: event.user, via: 'session', ...(event.sessionId ? { sessionId: event.sessionId } : {}) },
              orgId: null,
              action: 'token.create',
              target: event.row.id,
              result: 'success',
              details: { name: event.row.name, scopes: event.row.scopes, via: 'login.v1' },
            })
          : audit(ctx, tx, {
              orgId: null,
              action: 'token.revoke',
              target: event.row.id,
              result: 'success',
              details: { name: event.row.name, reason: 'its login.v1 authorization code was used again' },
            }),
    );
    if (!result.ok) {
      if (result.revoked) deps.identity.invalidate();
      return oauthFailure(ctx, { error: 'invalid_grant', error_description: result.description });
    }
    const body: LoginToken = { access_token: result.token, token_type: 'bearer' };
    ctx.body = body;
  });

  return router;
}

const TOKEN_REQUEST_MAX_BYTES = 16 * 1024;

async function readTokenRequest(ctx: Context): Promise<TokenRequest | OAuthError> {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    return { error: 'invalid_request', error_description: 'send the parameters as application/x-www-form-urlencoded' };
  }
  const form = new URLSearchParams((await readRaw(ctx, TOKEN_REQUEST_MAX_BYTES, 'the token request')).toString('utf8'));
  const fields = new Map<string, string>();
  for (const [name, value] of form) {
    if (fields.has(name)) return { error: 'invalid_request', error_description: `${name.slice(0, 100)} is given more than once` };
    fields.set(name, value);
  }
  const parsed = tokenRequest.safeParse(Object.fromEntries(fields));
  if (!parsed.success) {
    return { error: 'invalid_request', error_description: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  if (parsed.data.grant_type !== 'authorization_code') return { error: 'unsupported_grant_type', error_description: 'only authorization_code is supported' };
  if (parsed.data.client_id !== LOGIN_CLIENT_ID) return { error: 'invalid_client', error_description: `unknown client_id: this server knows only "${LOGIN_CLIENT_ID}"` };
  return parsed.data;
}

function oauthFailure(ctx: Context, error: OAuthError): void {
  ctx.status = 400;
  ctx.body = error;
}
