import type { GpgKeyRow } from '../../../core/db/repos/gpg-keys';
import type { GpgKey } from './shapes';

/** A signing key in the management API's camelCase (the registry protocol keeps Terraform's snake_case). */
export function presentGpgKey(k: GpgKeyRow): GpgKey {
  return {
    namespace: k.namespace,
    keyId: k.key_id,
    fingerprint: k.fingerprint,
    asciiArmor: k.ascii_armor,
    source: k.source,
    sourceUrl: k.source_url,
    createdAt: new Date(k.created_at).toISOString(),
    revokedAt: k.revoked_at ? new Date(k.revoked_at).toISOString() : null,
  };
}
