import type * as Oidc from 'openid-client';
import { isLoopbackIssuer, type OidcProviderConfig } from '../config-oidc';
import { DomainError, NotFound } from '../errors';
import { openFlow, sealFlow, SSO_FLOW_TTL_MS, type SsoFlow } from './sso-flow';

/** What an identity provider says about the person who signed in (ID token claims, completed from userinfo). */
export interface SsoClaims {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  groups: string[];
}

/** The code exchange or a check of its answer failed; `reason` is safe to audit (no token, code or secret). */
export class SsoRefused extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly reason: string,
  ) {
    super('unauthorized', code, message);
  }
}

const DISCOVERY_TIMEOUT_SECONDS = 10;

let client: Promise<typeof Oidc> | undefined;

/** Loaded at the first sign-in through a provider: an API without SSO, or at idle, does not hold it. */
function loadOidc(): Promise<typeof Oidc> {
  client ??= import('openid-client');
  return client;
}

/**
 * The configured OpenID Connect providers. Discovery happens on first use and is cached per provider, so an
 * identity provider that is down delays only its own sign-ins (and a failed discovery is tried again next time),
 * never Strata's start.
 */
export class OidcClients {
  private readonly configurations = new Map<string, Promise<Oidc.Configuration>>();

  constructor(
    private readonly providers: readonly OidcProviderConfig[],
    private readonly publicUrl: string,
    /** HMAC key of the flow cookie (the API's signing secret). */
    private readonly flowSecret: string,
  ) {}

  /** The flow as a signed cookie value. */
  sealFlow(flow: SsoFlow): string {
    return sealFlow(flow, this.flowSecret);
  }

  /** The flow of a cookie value; null when missing, forged or expired. */
  openFlow(value: string | undefined): SsoFlow | null {
    return openFlow(value, this.flowSecret);
  }

  list(): readonly OidcProviderConfig[] {
    return this.providers;
  }

  provider(id: string): OidcProviderConfig {
    const found = this.providers.find((p) => p.id === id);
    if (!found) throw new NotFound(`no sign-in provider ${id}`, 'sso_unknown_provider');
    return found;
  }

  redirectUri(id: string): string {
    return `${this.publicUrl}/api/v1/auth/oidc/${id}/callback`;
  }

  /** Starts a sign-in: the identity provider's authorization URL and the flow to keep in the browser. */
  async begin(id: string, returnTo: string): Promise<{ url: string; flow: SsoFlow }> {
    const provider = this.provider(id);
    const config = await this.configuration(provider);
    const oidc = await loadOidc();
    const flow: SsoFlow = {
      provider: id,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      returnTo,
      expiresAt: Date.now() + SSO_FLOW_TTL_MS,
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(id),
      response_type: 'code',
      scope: provider.scopes.join(' '),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, flow };
  }

  /**
   * Finishes a sign-in: exchanges the code of the callback's query for tokens (openid-client checks the state,
   * the issuer, the audience, expiry, the nonce and PKCE) and reads the person's claims.
   */
  async complete(flow: SsoFlow, query: string): Promise<SsoClaims> {
    const provider = this.provider(flow.provider);
    const config = await this.configuration(provider);
    const oidc = await loadOidc();
    // The redirect URI the provider saw, not the request's own URL (behind a proxy the two differ).
    const current = new URL(`${this.redirectUri(provider.id)}?${query}`);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, current, { expectedState: flow.state, expectedNonce: flow.nonce, pkceCodeVerifier: flow.codeVerifier, idTokenExpected: true });
    } catch (err) {
      throw refusal(oidc, err);
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new SsoRefused('sso_failed', 'the identity provider sent no ID token', 'no_id_token');
    let claims: Record<string, unknown> = { ...idClaims };
    // Providers that follow the OIDC rule of keeping scope claims out of the ID token answer them at userinfo.
    const missing = claims.email === undefined || claims[provider.groupsClaim] === undefined;
    if (missing && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...info, ...claims };
      } catch (err) {
        throw refusal(oidc, err);
      }
    }
    return {
      subject: idClaims.sub,
      email: typeof claims.email === 'string' && claims.email.includes('@') ? claims.email.trim().toLowerCase() : null,
      emailVerified: claims.email_verified === true || claims.email_verified === 'true',
      name: firstString(claims.name, claims.preferred_username),
      groups: groupsOf(claims[provider.groupsClaim]),
    };
  }

  private configuration(provider: OidcProviderConfig): Promise<Oidc.Configuration> {
    let cached = this.configurations.get(provider.id);
    if (!cached) {
      // openid-client talks https only; a plain-http issuer is accepted (config.ts) only on a loopback address.
      const insecure = new URL(provider.issuer).protocol === 'http:' && isLoopbackIssuer(provider.issuer);
      cached = loadOidc().then((oidc) => oidc.discovery(new URL(provider.issuer), provider.clientId, { client_secret: provider.clientSecret }, oidc.ClientSecretBasic(provider.clientSecret), {
        execute: insecure ? [oidc.allowInsecureRequests] : [],
        timeout: DISCOVERY_TIMEOUT_SECONDS,
      }));
      this.configurations.set(provider.id, cached);
      cached.catch(() => this.configurations.delete(provider.id));
    }
    return cached.catch((err: unknown) => {
      throw new DomainError('unavailable', 'sso_unavailable', `the identity provider ${provider.name} cannot be reached: ${(err as Error).message}`);
    });
  }
}

function refusal(oidc: typeof Oidc, err: unknown): SsoRefused {
  if (err instanceof SsoRefused) return err;
  if (err instanceof oidc.AuthorizationResponseError) {
    const denied = err.error === 'access_denied';
    return new SsoRefused(denied ? 'sso_denied' : 'sso_failed', denied ? 'the identity provider did not let you sign in' : 'the identity provider refused the sign-in', `authorization_error:${err.error}`);
  }
  if (err instanceof oidc.ResponseBodyError) return new SsoRefused('sso_failed', 'the identity provider refused the sign-in', `token_error:${err.error}`);
  // openid-client wraps the check that failed; its cause names the claim (never a token's value).
  const coded = err as { code?: string; message?: string; cause?: { message?: string } };
  const detail = coded.cause?.message ?? coded.message ?? String(err);
  return new SsoRefused('sso_failed', 'the sign-in could not be verified', `${coded.code ?? 'error'}: ${detail}`.slice(0, 300));
}

function firstString(...values: unknown[]): string | null {
  for (const v of values) if (typeof v === 'string' && v.trim()) return v.trim().slice(0, 200);
  return null;
}

/** A groups claim as a list of names: providers send an array, a single string, or nothing. */
function groupsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return [...new Set(list.filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 256))];
}
