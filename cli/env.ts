/** What the CLI takes from its environment. This module is the only place that reads `process.env`. */
export interface CliEnv {
  /** Base URL of the Strata API, without a trailing slash. */
  url: string;
  /** API token sent as `Authorization: Bearer`; absent when STRATA_TOKEN is unset or empty. */
  token: string | undefined;
}

export const DEFAULT_URL = 'http://localhost:8080';

/**
 * Reads `STRATA_URL` and `STRATA_TOKEN`. HTTPS with a private CA needs nothing here: Node adds the
 * certificates of `NODE_EXTRA_CA_CERTS` to its trust store at start-up, and `fetch` uses that store.
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const url = (env.STRATA_URL?.trim() || DEFAULT_URL).replace(/\/+$/, '');
  const token = env.STRATA_TOKEN?.trim() || undefined;
  return { url, token };
}
