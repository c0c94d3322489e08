import { ApiClient } from '../api';

const KEY = 'strata.token';

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage can be disabled (privacy settings): the token then lives for this page only.
    return null;
  }
}

/**
 * The API token the user pasted. Remembered in this browser's localStorage when asked to (the dashboard is
 * same-origin and renders no unsanitised content), otherwise for this tab's lifetime only.
 */
export class Session {
  token = $state<string | null>(storage()?.getItem(KEY) ?? null);
  remembered = $state(Boolean(storage()?.getItem(KEY)));

  use(token: string, remember: boolean): void {
    const t = token.trim();
    this.token = t || null;
    this.remembered = remember && Boolean(t);
    if (this.remembered) storage()?.setItem(KEY, t);
    else storage()?.removeItem(KEY);
  }

  forget(): void {
    this.token = null;
    this.remembered = false;
    storage()?.removeItem(KEY);
  }
}

export const session = new Session();
export const api = new ApiClient({ token: () => session.token });
