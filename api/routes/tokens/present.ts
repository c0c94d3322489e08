import type { TokenRow } from '../../../core/db/repos/tokens';
import type { ApiToken } from './shapes';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A token as listed: never its secret or hash. */
export function presentToken(t: TokenRow): ApiToken {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes.filter((s): s is ApiToken['scopes'][number] => s === 'read' || s === 'publish' || s === 'admin'),
    createdAt: new Date(t.created_at).toISOString(),
    expiresAt: iso(t.expires_at),
    lastUsedAt: iso(t.last_used_at),
    revokedAt: iso(t.revoked_at),
  };
}
