import { isPlatformPart, NAME, PROVIDER_TYPE, SYSTEM } from '../../core/registry/names';
import { jsonResponse, type CachedResponse } from './response-cache';

/** Protocol errors use the same `{ "error": { "code", "message" } }` shape as the management API. */
export function protocolError(status: number, code: string, message: string, tags: string[] = []): CachedResponse {
  return jsonResponse(status, { error: { code, message } }, { tags });
}

/**
 * A 404 decided without a query (an address that cannot exist, an origin the mirror does not serve): never
 * cached, since it costs less to build again than to keep, and attacker-chosen paths must not take cache space.
 */
export function uncachedNotFound(message: string): CachedResponse {
  return jsonResponse(404, { error: { code: 'not_found', message } }, { tags: [], freshUntil: 0 });
}

const impossible = (what: string) => uncachedNotFound(`${what} is not a valid registry address`);

// Looser than semver on purpose: only what can never be a stored version (any source of versions) is refused.
const VERSION = /^[0-9A-Za-z.+-]{1,128}$/;
const isVersion = (v: string) => VERSION.test(v);

/** Null when every given part of an address could name something stored; else the uncached 404 to send. */
export function checkAddress(parts: {
  namespace: string;
  name?: string;
  system?: string;
  type?: string;
  version?: string;
  os?: string;
  arch?: string;
}): CachedResponse | null {
  if (!NAME.test(parts.namespace)) return impossible('the namespace');
  if (parts.name !== undefined && !NAME.test(parts.name)) return impossible('the module name');
  if (parts.system !== undefined && !SYSTEM.test(parts.system)) return impossible('the module system');
  if (parts.type !== undefined && !PROVIDER_TYPE.test(parts.type)) return impossible('the provider type');
  if (parts.version !== undefined && !isVersion(parts.version)) return impossible('the version');
  if (parts.os !== undefined && !isPlatformPart(parts.os)) return impossible('the operating system');
  if (parts.arch !== undefined && !isPlatformPart(parts.arch)) return impossible('the architecture');
  return null;
}
