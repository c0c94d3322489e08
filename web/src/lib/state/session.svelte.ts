import { ApiClient } from '../api';
import { CredentialsApi } from '../credentials-api';
import { IdentityApi } from '../identity-api';
import { NotificationsApi } from '../notifications-api';
import type { Me } from '../types';

const TOKEN_KEY = 'strata.token';
const ORG_KEY = 'strata.org';

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage can be disabled (privacy settings): the token then lives for this page only.
    return null;
  }
}

/**
 * Who this browser is signed in as. The main path is a session: an HttpOnly cookie the page never sees, plus
 * the CSRF token `/api/v1/me` hands out for mutations. The advanced path is a pasted API token, remembered in
 * localStorage when asked to (the dashboard is same-origin and renders no unsanitised content).
 */
export class Session {
  token = $state<string | null>(storage()?.getItem(TOKEN_KEY) ?? null);
  remembered = $state(Boolean(storage()?.getItem(TOKEN_KEY)));
  /** The answer of `/api/v1/me`; null when nobody is signed in. */
  me = $state<Me | null>(null);
  /** Set once `/api/v1/me` has answered: until then pages neither ask to sign in nor load private data. */
  checked = $state(false);
  /** The CSRF token of a session signed in just now, before `/me` answers again. */
  private freshCsrf = $state<string | null>(null);
  private preferredOrg = $state<string | null>(storage()?.getItem(ORG_KEY) ?? null);

  signedIn = $derived(this.me !== null);
  csrf = $derived(this.me?.csrfToken ?? this.freshCsrf);
  /** The organisation the header's switcher shows: the one chosen last, else the first. */
  org = $derived(this.me?.organizations.find((o) => o.name === this.preferredOrg) ?? this.me?.organizations[0] ?? null);
  /** A name to show in the header. */
  label = $derived(this.me?.user ? this.me.user.name || this.me.user.email : this.me ? `token ${this.me.tokenName ?? ''}`.trim() : '');

  constructor(private readonly identity: () => IdentityApi) {}

  /** Asks the API who we are; a failure other than 401 keeps the last answer (the API may be restarting). */
  async refresh(): Promise<void> {
    try {
      this.me = await this.identity().me();
      this.freshCsrf = null;
    } catch {
      // Keep what we had.
    } finally {
      this.checked = true;
    }
  }

  async login(email: string, password: string): Promise<void> {
    const loggedIn = await this.identity().login(email, password);
    // A session replaces a pasted token: two identities at once would be confusing.
    this.forgetToken();
    this.freshCsrf = loggedIn.csrfToken;
    await this.refresh();
  }

  async logout(): Promise<void> {
    try {
      if (this.me?.csrfToken) await this.identity().logout();
    } finally {
      this.forgetToken();
      this.me = null;
      this.freshCsrf = null;
    }
  }

  async useToken(token: string, remember: boolean): Promise<void> {
    const t = token.trim();
    this.token = t || null;
    this.remembered = remember && Boolean(t);
    if (this.remembered) storage()?.setItem(TOKEN_KEY, t);
    else storage()?.removeItem(TOKEN_KEY);
    await this.refresh();
  }

  forgetToken(): void {
    this.token = null;
    this.remembered = false;
    storage()?.removeItem(TOKEN_KEY);
  }

  chooseOrg(name: string): void {
    this.preferredOrg = name;
    storage()?.setItem(ORG_KEY, name);
  }
}

export const api: ApiClient = new ApiClient({ token: () => session.token, csrf: () => session.csrf });
export const identity: IdentityApi = new IdentityApi(api);
export const credentials: CredentialsApi = new CredentialsApi(api);
export const session: Session = new Session((): IdentityApi => identity);
export const notifications: NotificationsApi = new NotificationsApi(api, () => session.token);
