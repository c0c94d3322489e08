import { CREDENTIAL_KINDS } from '../../../core/credentials/kinds';
import type { CloudCredentialRow } from '../../../core/db/repos/cloud-credentials';
import type { CloudCredential, CredentialKind } from './shapes';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The shapes repeat the core's list of kinds; this fails to compile when the two drift apart.
export const credentialKindsAgree: Same<CredentialKind, (typeof CREDENTIAL_KINDS)[number]> = true;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A credential as the API shows it: never the secret. */
export function presentCredential(c: CloudCredentialRow, workspaces: { id: string; name: string }[] = []): CloudCredential {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind as CredentialKind,
    status: c.status,
    checkedAt: iso(c.checked_at),
    ...(c.identity ? { identity: c.identity } : {}),
    ...(c.error ? { error: c.error } : {}),
    settings: c.settings ?? {},
    expiresAt: iso(c.expires_at),
    version: c.current_version,
    workspaces,
    createdAt: new Date(c.created_at).toISOString(),
    updatedAt: new Date(c.updated_at).toISOString(),
  };
}
