import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * `terraform login` / `tofu login` (the login.v1 service): OAuth 2 authorization code with PKCE, redirected to a
 * temporary HTTP server the CLI runs on the loopback interface. The CLI is a public client (no secret): what keeps
 * the code safe is that it only ever travels to the user's own machine and is useless without the PKCE verifier
 * that never left the CLI.
 */
export const LOGIN_CLIENT_ID = 'terraform-cli';
export const LOGIN_PORTS = { min: 10000, max: 10010 } as const;
export const LOGIN_PATHS = { authorize: '/oauth/authorize', token: '/oauth/token' } as const;

/** The discovery document's `login.v1` entry (paths resolve against the discovery URL). */
export const LOGIN_V1 = {
  client: LOGIN_CLIENT_ID,
  grant_types: ['authz_code'],
  authz: LOGIN_PATHS.authorize,
  token: LOGIN_PATHS.token,
  ports: [LOGIN_PORTS.min, LOGIN_PORTS.max],
};

/**
 * A redirect URI the CLI can have asked for: plain http to the loopback interface on a port of the login.v1 range.
 * Anything else would send the code off the user's machine.
 */
export function isLoopbackRedirect(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  const port = Number(url.port);
  return (
    url.protocol === 'http:' &&
    (url.hostname === 'localhost' || url.hostname === '127.0.0.1') &&
    Number.isInteger(port) &&
    port >= LOGIN_PORTS.min &&
    port <= LOGIN_PORTS.max &&
    !url.username &&
    !url.password &&
    !url.hash
  );
}

/** PKCE S256 (RFC 7636 §4.6): base64url(sha256(verifier)) equals the challenge sent to the authorize endpoint. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
