import { z } from 'zod';

/** One OpenID Connect identity provider people may sign in with. */
export interface OidcProviderConfig {
  /** In URLs (`/api/v1/auth/oidc/{id}/login`) and in session methods (`oidc:{id}`). */
  id: string;
  /** Shown on the sign-in page. */
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The ID token or userinfo claim that lists the person's groups (matched against teams' `sso_group`). */
  groupsClaim: string;
  /** Always includes `openid`. */
  scopes: string[];
}

/** The variables of the one-provider shorthand and of the JSON list, as the environment gives them. */
export interface OidcEnvironment {
  STRATA_OIDC_ISSUER?: string;
  STRATA_OIDC_CLIENT_ID?: string;
  STRATA_OIDC_CLIENT_SECRET?: string;
  STRATA_OIDC_GROUPS_CLAIM: string;
  STRATA_OIDC_NAME: string;
  STRATA_OIDC_SCOPES: string;
  STRATA_OIDC_PROVIDERS?: string;
}

export const DEFAULT_OIDC_SCOPES = 'openid email profile';
const PROVIDER_ID = /^[a-z0-9-]+$/;

const providerEntry = z.strictObject({
  id: z.string().max(40).regex(PROVIDER_ID, 'lowercase letters, digits and dashes only'),
  name: z.string().trim().min(1).max(100),
  issuer: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  groupsClaim: z.string().min(1).default('groups'),
  scopes: z.string().min(1).optional(),
});

/**
 * True for an issuer on this machine. openid-client refuses plain-http servers; a loopback address is the one
 * place where plain http cannot be intercepted on the network (a development or test identity provider).
 */
export function isLoopbackIssuer(issuer: string): boolean {
  const host = new URL(issuer).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function scopesOf(value: string): string[] {
  const scopes = value.split(/[\s,]+/).filter(Boolean);
  return scopes.includes('openid') ? scopes : ['openid', ...scopes];
}

/**
 * Reads the configured providers: `STRATA_OIDC_ISSUER` & co. define one named `oidc`, `STRATA_OIDC_PROVIDERS`
 * (a JSON array) any number. Problems are sentences that never quote a value (the JSON holds client secrets).
 */
export function readOidcProviders(e: OidcEnvironment): { providers: OidcProviderConfig[]; problems: { variable: string; message: string }[] } {
  const providers: OidcProviderConfig[] = [];
  const problems: { variable: string; message: string }[] = [];
  if (e.STRATA_OIDC_ISSUER || e.STRATA_OIDC_CLIENT_ID || e.STRATA_OIDC_CLIENT_SECRET) {
    const missing = (['STRATA_OIDC_ISSUER', 'STRATA_OIDC_CLIENT_ID', 'STRATA_OIDC_CLIENT_SECRET'] as const).filter((v) => !e[v]);
    for (const variable of missing) problems.push({ variable, message: 'required when any of STRATA_OIDC_ISSUER, STRATA_OIDC_CLIENT_ID, STRATA_OIDC_CLIENT_SECRET is set' });
    if (!missing.length) {
      providers.push({
        id: 'oidc',
        name: e.STRATA_OIDC_NAME,
        issuer: e.STRATA_OIDC_ISSUER!,
        clientId: e.STRATA_OIDC_CLIENT_ID!,
        clientSecret: e.STRATA_OIDC_CLIENT_SECRET!,
        groupsClaim: e.STRATA_OIDC_GROUPS_CLAIM,
        scopes: scopesOf(e.STRATA_OIDC_SCOPES),
      });
    }
  }
  if (e.STRATA_OIDC_PROVIDERS) {
    let list: unknown;
    try {
      list = JSON.parse(e.STRATA_OIDC_PROVIDERS);
    } catch {
      list = undefined;
    }
    const parsed = z.array(providerEntry).safeParse(list);
    if (!parsed.success) {
      const where = (path: PropertyKey[]) => (path.length ? `entry ${String(Number(path[0]) + 1)}${path[1] === undefined ? '' : ` field ${String(path[1])}`}` : 'the value');
      const messages = list === undefined ? ['must be a JSON array of {id, name, issuer, clientId, clientSecret, groupsClaim?, scopes?}'] : parsed.error.issues.map((i) => `${where(i.path)}: ${i.message}`);
      for (const message of messages) problems.push({ variable: 'STRATA_OIDC_PROVIDERS', message });
    } else {
      for (const p of parsed.data) providers.push({ ...p, scopes: scopesOf(p.scopes ?? DEFAULT_OIDC_SCOPES) });
    }
  }
  const seen = new Set<string>();
  for (const p of providers) {
    const variable = p.id === 'oidc' && !seen.size && e.STRATA_OIDC_ISSUER ? 'STRATA_OIDC_ISSUER' : 'STRATA_OIDC_PROVIDERS';
    if (seen.has(p.id)) problems.push({ variable: 'STRATA_OIDC_PROVIDERS', message: `provider id "${p.id}" is used twice` });
    seen.add(p.id);
    const url = new URL(p.issuer);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackIssuer(p.issuer))) {
      problems.push({ variable, message: `the issuer of "${p.id}" must be an https URL (plain http only on a loopback address)` });
    }
  }
  return { providers, problems };
}
