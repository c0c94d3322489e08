import type { JWK } from 'jose';
import type { SealedSecret } from '../../crypto/envelope';
import type { Tx } from '../knex';

export interface WorkloadKeyRow {
  kid: string;
  public_jwk: JWK;
  private_key_sealed: SealedSecret;
  created_at: Date;
  retire_after: Date;
  expires_at: Date;
}

const TABLE = 'workload_identity_keys';
// Any constant of its own: two workers minting at once wait for each other here instead of both rotating.
const ROTATION_LOCK = 0x57_4c_49_44; // "WLID"

/** Every key, newest first (a handful: the signing key, its successor, keys whose tokens have not expired). */
export async function listWorkloadKeys(db: Tx): Promise<WorkloadKeyRow[]> {
  return db(TABLE).select('*').orderBy('created_at', 'desc');
}

/** The public halves of the keys still in force at `now`, newest first: the JWKS. */
export async function listPublishedWorkloadKeys(db: Tx, now: Date): Promise<Pick<WorkloadKeyRow, 'public_jwk' | 'expires_at'>[]> {
  return db(TABLE).where('expires_at', '>', now).orderBy('created_at', 'desc').select('public_jwk', 'expires_at');
}

export async function insertWorkloadKey(db: Tx, row: WorkloadKeyRow): Promise<void> {
  await db(TABLE).insert({ ...row, public_jwk: JSON.stringify(row.public_jwk), private_key_sealed: JSON.stringify(row.private_key_sealed) });
}

/** Only ever later: two processes extending at once keep the later expiry. */
export async function extendWorkloadKey(db: Tx, kid: string, expiresAt: Date): Promise<void> {
  await db(TABLE).where({ kid }).where('expires_at', '<', expiresAt).update({ expires_at: expiresAt });
}

export async function deleteWorkloadKeys(db: Tx, kids: string[], now: Date): Promise<void> {
  if (kids.length === 0) return;
  await db(TABLE).whereIn('kid', kids).where('expires_at', '<=', now).delete();
}

/** Held until the transaction ends. */
export async function lockWorkloadKeyRotation(tx: Tx): Promise<void> {
  await tx.raw('SELECT pg_advisory_xact_lock(?)', [ROTATION_LOCK]);
}
