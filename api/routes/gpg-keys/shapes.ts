import { z } from 'zod';
import { isoDateTime, itemsOf } from '../common-shapes';

/** A namespace's public signing key (the registry protocol shows it to clients in its own snake_case form). */
export const gpgKey = z.object({
  namespace: z.string(),
  keyId: z.string(),
  fingerprint: z.string(),
  asciiArmor: z.string(),
  source: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  createdAt: isoDateTime,
  /** Set when the key was revoked: it still verifies the versions it signed, never new ones. */
  revokedAt: isoDateTime.nullable(),
});
export type GpgKey = z.infer<typeof gpgKey>;

export const gpgKeyList = itemsOf(gpgKey);
export type GpgKeyList = z.infer<typeof gpgKeyList>;
