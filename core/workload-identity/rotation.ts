/** The times of a signing key that rotation decides on (a row of `workload_identity_keys`). */
export interface KeyTimes {
  kid: string;
  createdAt: Date;
  /** Past this a successor is made and takes over. */
  retireAfter: Date;
  /** The last token the key may have signed has expired by then: it leaves the JWKS. */
  expiresAt: Date;
}

export interface RotationSettings {
  keyRotationSeconds: number;
  tokenLifetimeSeconds: number;
}

/**
 * How long a new key is published before it signs. Readers of the JWKS cache it (this process for
 * {@link JWKS_CACHE_SECONDS}, clouds for the `max-age` it is served with): a token signed by a key they have not
 * seen yet would be refused. The outgoing key signs meanwhile; its lifetime is extended to cover what it signs.
 */
export const PUBLISH_LEAD_SECONDS = 300;

/** How long an API process serves one JWKS body (and the `max-age` it tells clients). */
export const JWKS_CACHE_SECONDS = 10;

export interface SigningPlan {
  /** Make a successor key (created now). */
  create: { createdAt: Date; retireAfter: Date; expiresAt: Date } | null;
  /** The key that signs now: an existing kid, or `new` for the key of `create`. */
  signer: string;
  /** Move the signer's `expiresAt` to this, so the JWKS keeps it until the token about to be signed expires. */
  extendSignerTo: Date | null;
  /** Keys whose tokens have all expired: out of the JWKS, to be deleted. */
  prune: string[];
  /** The token's expiry. */
  tokenExpiresAt: Date;
}

const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);

/**
 * Decides, for a token minted at `now`, which key signs it and what must change first. Pure: the caller applies
 * the plan (in a transaction, under a lock, when it changes anything) and signs.
 *
 * A key signs from {@link PUBLISH_LEAD_SECONDS} after it was made until its successor has been published that
 * long; the successor is made by the first mint after the current key's `retireAfter`. On a fresh install (no
 * key yet) the first key signs at once: nobody can have cached a JWKS that lacks it, since an empty one is not
 * cached.
 */
export function planSigning(keys: readonly KeyTimes[], now: Date, settings: RotationSettings): SigningPlan {
  const live = keys.filter((k) => k.expiresAt > now).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const prune = keys.filter((k) => k.expiresAt <= now).map((k) => k.kid);
  const tokenExpiresAt = at(now, settings.tokenLifetimeSeconds);
  const newest = live[0];
  const create =
    !newest || newest.retireAfter <= now
      ? {
          createdAt: now,
          retireAfter: at(now, settings.keyRotationSeconds),
          expiresAt: at(now, settings.keyRotationSeconds + settings.tokenLifetimeSeconds),
        }
      : null;
  const candidates: KeyTimes[] = create ? [{ kid: 'new', ...create }, ...live] : live;
  const publishedBefore = at(now, -PUBLISH_LEAD_SECONDS);
  // The newest key published long enough; else the one published longest (the only one, on a fresh install).
  const signer = candidates.find((k) => k.createdAt <= publishedBefore) ?? candidates[candidates.length - 1]!;
  return {
    create,
    signer: signer.kid,
    extendSignerTo: signer.expiresAt < tokenExpiresAt ? tokenExpiresAt : null,
    prune,
    tokenExpiresAt,
  };
}

/** Does applying the plan write anything (and so need the rotation lock)? */
export function planWrites(plan: SigningPlan): boolean {
  return plan.create !== null || plan.extendSignerTo !== null || plan.prune.length > 0;
}
