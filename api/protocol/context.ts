import type { Db } from '../../core/db/knex';
import type { BlobStorage } from '../../core/storage/storage';
import { bucketedExpiry } from '../../core/storage/url-signing';

/** What the protocol builders need: the catalogue, signed URLs and the public address. */
export interface ProtocolContext {
  db: Db;
  storage: BlobStorage;
  publicUrl: string;
  /** Lowercased origin hostnames the network mirror serves hosted providers under (the public host, aliases). */
  mirrorHosts: Set<string>;
  signedUrlTtlSeconds: number;
}

/** Signs URLs with a bucketed expiry and reports how long a response embedding them may be cached. */
export function urlSigner(ctx: ProtocolContext, now = Date.now()) {
  const { expiresAt, freshUntilMs } = bucketedExpiry(now, ctx.signedUrlTtlSeconds);
  return { sign: (key: string) => ctx.storage.signedUrl(key, { expiresAt }), freshUntil: freshUntilMs };
}
