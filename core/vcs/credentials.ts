import { Invalid } from '../errors';

/** A GitHub App installation: Strata signs a JWT with the key and exchanges it for short-lived installation tokens. */
export interface GitHubAppCredentials {
  appId: string;
  /** The app's private key, PEM. */
  privateKey: string;
  installationId: number;
}

/** What a connection authenticates with: a token (every provider) or a GitHub App installation (GitHub only). */
export type VcsCredentials = { token: string } | { app: GitHubAppCredentials };

// Plain tokens are stored as they are (connections saved before app auth existed stay readable); app
// credentials carry a prefix no provider's token starts with.
const APP_PREFIX = 'github-app:v1:';

/** The one string sealed at rest for a connection's credentials. */
export function serializeCredentials(credentials: VcsCredentials): string {
  return 'token' in credentials ? credentials.token : APP_PREFIX + JSON.stringify(credentials.app);
}

/**
 * Reads back what {@link serializeCredentials} wrote.
 * @throws Invalid `vcs_secret_unreadable` when the stored app credentials are malformed
 */
export function parseCredentials(stored: string): VcsCredentials {
  if (!stored.startsWith(APP_PREFIX)) return { token: stored };
  let app: Partial<GitHubAppCredentials> | null;
  try {
    app = JSON.parse(stored.slice(APP_PREFIX.length)) as Partial<GitHubAppCredentials> | null;
  } catch {
    app = null;
  }
  if (!app || typeof app.appId !== 'string' || typeof app.privateKey !== 'string' || typeof app.installationId !== 'number') {
    throw new Invalid('the stored GitHub App credentials are incomplete; save the connection again', 'vcs_secret_unreadable');
  }
  return { app: { appId: app.appId, privateKey: app.privateKey, installationId: app.installationId } };
}
