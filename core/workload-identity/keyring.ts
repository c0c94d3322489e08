import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { SecretBox } from '../crypto/envelope';
import type { Db } from '../db/knex';
import {
  deleteWorkloadKeys,
  extendWorkloadKey,
  insertWorkloadKey,
  listPublishedWorkloadKeys,
  listWorkloadKeys,
  lockWorkloadKeyRotation,
  type WorkloadKeyRow,
} from '../db/repos/workload-identity-keys';
import { JWKS_CACHE_SECONDS, planSigning, planWrites, type RotationSettings, type SigningPlan } from './rotation';

export const WORKLOAD_ALG = 'RS256';

/** The JWKS as served: a pre-serialised body. */
export interface JwksBody {
  body: string;
  /** Seconds a client may keep it. */
  maxAge: number;
}

/**
 * What one process keeps per database: the JWKS body (briefly) and the private keys it has opened. A mint that
 * changes the key set drops the body at once; other processes see the change within {@link JWKS_CACHE_SECONDS},
 * which the publish lead of a new key (rotation.ts) covers.
 */
interface ProcessCache {
  jwks: { body: JwksBody; validUntil: number } | null;
  signers: Map<string, CryptoKey>;
}

const caches = new WeakMap<Db, ProcessCache>();

function cacheOf(db: Db): ProcessCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = { jwks: null, signers: new Map() };
    caches.set(db, cache);
  }
  return cache;
}

const sealContext = (kid: string) => `workload-identity-key:${kid}`;

/**
 * The JWKS: the public keys of every key whose tokens may still be valid. Cached for a few seconds, never past
 * the moment a listed key expires; an empty set is not cached, so the first key is visible as soon as it exists.
 */
export async function publishedJwks(db: Db, now: Date = new Date()): Promise<JwksBody> {
  const cache = cacheOf(db);
  if (cache.jwks && cache.jwks.validUntil > now.getTime()) return cache.jwks.body;
  const rows = await listPublishedWorkloadKeys(db, now);
  const body: JwksBody = { body: JSON.stringify({ keys: rows.map((r) => r.public_jwk) }), maxAge: rows.length ? JWKS_CACHE_SECONDS : 0 };
  const validUntil = Math.min(now.getTime() + JWKS_CACHE_SECONDS * 1000, ...rows.map((r) => r.expires_at.getTime()));
  cache.jwks = rows.length ? { body, validUntil } : null;
  return body;
}

export interface SigningKey {
  kid: string;
  key: CryptoKey;
  /** The token signed now expires at this moment; the key stays published at least until then. */
  tokenExpiresAt: Date;
}

export interface KeyringDeps {
  db: Db;
  secrets: SecretBox;
  settings: RotationSettings;
}

/**
 * The key to sign a token minted at `now` with, rotating first when it is due. Reading needs no lock; a change
 * (a successor key, a longer life for the outgoing key, expired keys deleted) is planned again and applied in one
 * transaction under an advisory lock, so two workers minting at the same moment make one successor, not two.
 */
export async function signingKey(deps: KeyringDeps, now: Date = new Date()): Promise<SigningKey> {
  let rows = await listWorkloadKeys(deps.db);
  let plan = planSigning(rows.map(times), now, deps.settings);
  if (planWrites(plan)) {
    ({ rows, plan } = await deps.db.transaction(async (tx) => {
      await lockWorkloadKeyRotation(tx);
      const locked = await listWorkloadKeys(tx);
      const again = planSigning(locked.map(times), now, deps.settings);
      const made = again.create ? await makeKey(deps.secrets, again.create) : null;
      if (made) await insertWorkloadKey(tx, made);
      const signer = again.signer === 'new' ? made!.kid : again.signer;
      if (again.extendSignerTo) await extendWorkloadKey(tx, signer, again.extendSignerTo);
      await deleteWorkloadKeys(tx, again.prune, now);
      return { rows: made ? [made, ...locked] : locked, plan: { ...again, signer } satisfies SigningPlan };
    }));
    const cache = cacheOf(deps.db);
    cache.jwks = null;
    for (const kid of plan.prune) cache.signers.delete(kid);
  }
  const row = rows.find((r) => r.kid === plan.signer)!;
  return { kid: row.kid, key: await openSigner(deps, row), tokenExpiresAt: plan.tokenExpiresAt };
}

function times(row: WorkloadKeyRow) {
  return { kid: row.kid, createdAt: row.created_at, retireAfter: row.retire_after, expiresAt: row.expires_at };
}

async function makeKey(secrets: SecretBox, t: NonNullable<SigningPlan['create']>): Promise<WorkloadKeyRow> {
  const pair = await generateKeyPair(WORKLOAD_ALG, { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  // The thumbprint (RFC 7638) names the key by its content: the same kid can never mean two keys.
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(pair.privateKey);
  return {
    kid,
    public_jwk: { ...publicJwk, kid, alg: WORKLOAD_ALG, use: 'sig' },
    private_key_sealed: secrets.seal(JSON.stringify(privateJwk), sealContext(kid)),
    created_at: t.createdAt,
    retire_after: t.retireAfter,
    expires_at: t.expiresAt,
  };
}

async function openSigner(deps: KeyringDeps, row: WorkloadKeyRow): Promise<CryptoKey> {
  const cache = cacheOf(deps.db);
  const known = cache.signers.get(row.kid);
  if (known) return known;
  const jwk = JSON.parse(deps.secrets.open(row.private_key_sealed, sealContext(row.kid))) as JWK;
  const key = (await importJWK(jwk, WORKLOAD_ALG)) as CryptoKey;
  cache.signers.set(row.kid, key);
  return key;
}
