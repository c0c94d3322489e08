import { isServerPath } from '../return-to';
import { matchRoute, type Route } from '../routes';

/**
 * A tiny history-API router. Every same-origin `<a href>` click is handled here (so links stay real links:
 * middle-click, copy address and keyboard all work), and the server answers every page path with
 * index.html, so a deep link survives a reload.
 */
export class Router {
  path = $state(globalThis.location?.pathname ?? '/');
  search = $state(globalThis.location?.search ?? '');
  route: Route = $derived(matchRoute(this.path));
  // Re-derived from `search` on every navigation; nobody mutates it in place.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  query: URLSearchParams = $derived(new URLSearchParams(this.search));

  start(): () => void {
    const onPop = () => this.sync();
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || a.target || a.hasAttribute('download') || a.getAttribute('rel')?.includes('external')) return;
      // A throw-away value read once, not state.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || isServerPath(url.pathname)) return;
      // In-page anchors (the skip link, README headings) are the browser's job.
      if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
      e.preventDefault();
      this.navigate(url.pathname + url.search + url.hash);
    };
    addEventListener('popstate', onPop);
    document.addEventListener('click', onClick);
    return () => {
      removeEventListener('popstate', onPop);
      document.removeEventListener('click', onClick);
    };
  }

  /**
   * Goes to `href` (a path of this origin); `replace` for changes that should not add a history entry (typing in
   * a filter). A path the server answers itself (`/oauth/authorize` after signing in for `tofu login`) is loaded
   * by the browser instead.
   */
  navigate(href: string, options: { replace?: boolean } = {}): void {
    if (isServerPath(href)) {
      location.assign(href);
      return;
    }
    const before = location.pathname;
    if (options.replace) history.replaceState(null, '', href);
    else history.pushState(null, '', href);
    this.sync();
    if (location.pathname !== before && !location.hash) scrollTo(0, 0);
  }

  /** Sets (or clears, with '' / undefined) query parameters of the current page. */
  setQuery(changes: Record<string, string | number | undefined | null>, options: { replace?: boolean } = {}): void {
    // A throw-away copy turned into the next URL, not state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const params = new URLSearchParams(this.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === null || v === '') params.delete(k);
      else params.set(k, String(v));
    }
    const s = params.toString();
    this.navigate(`${this.path}${s ? `?${s}` : ''}`, options);
  }

  private sync(): void {
    this.path = location.pathname;
    this.search = location.search;
  }
}

export const router = new Router();
