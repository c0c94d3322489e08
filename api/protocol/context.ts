import type { Db } from '../../core/db/knex';
import type { BlobStorage } from '../../core/storage/storage';
import { blobLink, bucketedExpiry } from '../../core/storage/url-signing';

/** What the protocol builders need: the catalogue, signed URLs and the public address. */
export interface ProtocolContext {
  db: Db;
  storage: BlobStorage;
  publicUrl: string;
  /** Lowercased origin hostnames the network mirror serves hosted providers under (the public host, aliases). */
  mirrorHosts: Set<string>;
  signedUrlTtlSeconds: number;
  /** HMAC key of the registry's download links. */
  signingSecret: string;
}

/**
 * Signs download links with a bucketed expiry and reports how long a response embedding them may be cached.
 * Links always point at the registry's blob route (api/protocol/blob-route.ts), which streams local blobs and
 * redirects to object stores with a URL signed for the request's method — so every link answers GET and HEAD.
 */
export function urlSigner(ctx: ProtocolContext, now = Date.now()) {
  const { expiresAt, freshUntilMs } = bucketedExpiry(now, ctx.signedUrlTtlSeconds);
  return {
    sign: (key: string) => blobLink({ publicUrl: ctx.publicUrl, secret: ctx.signingSecret, key, expiresAt }),
    freshUntil: freshUntilMs,
  };
}
