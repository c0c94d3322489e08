import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person at the test identity provider. */
export interface IdpAccount {
  email: string;
  email_verified: boolean;
  name: string;
  groups: string[];
}

type IdTokenClaims = Record<string, unknown> & { exp: number; iat: number; aud: string | string[] };

/**
 * A real OpenID Connect provider (`oidc-provider`) on a loopback port over plain http, for Strata's SSO tests.
 * Listening starts first (Strata needs the issuer URL), the provider is attached once the client's redirect URI
 * is known (Strata's port). Sign-in and consent are finished by a tiny interaction handler that logs in
 * `nextLogin` without a form, or, with `loginForm` set (browser tests), by a sign-in form checked against
 * `passwords`, with a Cancel button that declines. `tamperIdToken` makes the token endpoint answer an ID token re-signed with the
 * provider's own key after a change to its claims: a provider that hands out a token for another client or an
 * expired one, which Strata must refuse.
 */
export class TestIdp {
  readonly accounts = new Map<string, IdpAccount>();
  nextLogin = '';
  /** The person declines at the provider: the interaction ends with `access_denied`. */
  denyNext = false;
  tamperIdToken: ((claims: IdTokenClaims) => IdTokenClaims) | null = null;
  /** Ask for a username and password in a form instead of logging in `nextLogin` at once. */
  loginForm = false;
  /** The form's passwords, by account id. */
  readonly passwords = new Map<string, string>();
  provider: Provider | null = null;
  private readonly key: KeyObject;
  private readonly kid = `test-${randomBytes(4).toString('hex')}`;

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
  ) {
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  static async listen(): Promise<TestIdp> {
    let idp: TestIdp | null = null;
    const server = createServer((req, res) => {
      if (!idp?.provider) {
        res.statusCode = 503;
        res.end();
        return;
      }
      void idp.provider.callback()(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    idp = new TestIdp(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return idp;
  }

  /** Starts serving OpenID Connect for one confidential client (PKCE required). */
  start(client: { clientId: string; clientSecret: string; redirectUri: string }): void {
    const jwk = { ...this.key.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' };
    const accounts = this.accounts;
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: [client.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      pkce: { required: () => true },
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Grant: 600, Session: 600 },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
      features: { devInteractions: { enabled: false } },
      findAccount: (_ctx, sub) => {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return { accountId: sub, claims: () => ({ sub, ...account }) };
      },
      // First-party client: everything it asks for is granted (no consent screen).
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
        grant.addOIDCScope('openid email profile groups');
        await grant.save();
        return grant;
      },
    });
    provider.use(async (ctx, next) => {
      const interaction = /^\/interaction\/([\w-]+)$/.exec(ctx.path);
      if (interaction && this.loginForm) {
        const uid = interaction[1]!;
        const form = ctx.method === 'POST' ? new URLSearchParams(await readBody(ctx.req)) : null;
        const login = form?.get('username') ?? '';
        const known = form && this.passwords.has(login) && this.passwords.get(login) === form.get('password');
        if (form && (known || form.has('cancel'))) {
          ctx.respond = false;
          const result = known ? { login: { accountId: login } } : { error: 'access_denied', error_description: 'the person cancelled' };
          await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
          return;
        }
        ctx.type = 'html';
        ctx.body = loginPage(uid, form ? 'Wrong username or password.' : null);
        return;
      }
      if (interaction && ctx.method === 'GET') {
        ctx.respond = false;
        const result = this.denyNext ? { error: 'access_denied', error_description: 'the person said no' } : { login: { accountId: this.nextLogin } };
        await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
        return;
      }
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.path === '/token' && this.tamperIdToken && body?.id_token) {
        ctx.body = { ...body, id_token: this.resign(body.id_token, this.tamperIdToken) };
      }
    });
    this.provider = provider;
  }

  private resign(token: string, change: (claims: IdTokenClaims) => IdTokenClaims): string {
    const [header, payload] = token.split('.') as [string, string];
    const claims = change(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as IdTokenClaims);
    const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${signingInput}.${sign('sha256', Buffer.from(signingInput), this.key).toString('base64url')}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The provider's own sign-in page (another origin than Strata's, as a real provider's is). */
function loginPage(uid: string, problem: string | null): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP sign-in</title></head><body>
<h1>Test IdP</h1>${problem ? `<p role="alert">${problem}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in to Test IdP</button> <button type="submit" name="cancel" value="1" formnovalidate>Cancel</button>
</form></body></html>`;
}

/**
 * A browser, as far as the sign-in needs one: a cookie jar (per host and path) and no automatic redirects, so
 * the test sees every hop.
 */
export class TestBrowser {
  private cookies: { host: string; path: string; name: string; value: string }[] = [];

  async get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; location: string | null; body: string }> {
    const target = new URL(url);
    const cookie = this.cookies
      .filter((c) => c.host === target.host && (target.pathname === c.path || target.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const res = await fetch(target, { redirect: 'manual', headers: { ...headers, ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) this.store(target, line);
    const location = res.headers.get('location');
    return { status: res.status, location: location ? new URL(location, target).href : null, body: await res.text() };
  }

  cookie(host: string, name: string): string | undefined {
    return this.cookies.find((c) => c.host === host && c.name === name)?.value;
  }

  /** Adds a cookie as if a server had set it (a replayed or copied cookie). */
  setCookie(host: string, path: string, name: string, value: string): void {
    this.cookies = this.cookies.filter((c) => !(c.host === host && c.path === path && c.name === name));
    this.cookies.push({ host, path, name, value });
  }

  private store(target: URL, line: string): void {
    const [pair, ...attributes] = line.split(';').map((s) => s.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    const attr = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const path = attr('path') ?? '/';
    const expires = attr('expires');
    const gone = value === '' || attr('max-age') === '0' || (expires !== undefined && Date.parse(expires) < Date.now());
    this.cookies = this.cookies.filter((c) => !(c.host === target.host && c.path === path && c.name === name));
    if (!gone) this.cookies.push({ host: target.host, path, name, value });
  }
}
