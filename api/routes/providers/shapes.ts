import { z } from 'zod';
import { accepted, isoDateTime, pageOf } from '../common-shapes';

/** A provider in a search result. */
export const providerSummary = z.object({
  namespace: z.string(),
  type: z.string(),
  description: z.string().nullable(),
  downloads: z.number().int(),
  /** The highest release (core/registry/latest-version.ts); null while the provider has no version. */
  latestVersion: z.string().nullable(),
  versionCount: z.number().int(),
});
export type ProviderSummary = z.infer<typeof providerSummary>;

export const providerPage = pageOf(providerSummary);
export type ProviderPage = z.infer<typeof providerPage>;

export const providerPlatform = z.object({
  os: z.string(),
  arch: z.string(),
  filename: z.string(),
  sha256: z.string(),
  h1: z.string(),
  size: z.number().int(),
});
export type ProviderPlatform = z.infer<typeof providerPlatform>;

export const providerVersion = z.object({
  version: z.string(),
  protocols: z.array(z.string()),
  publishedAt: isoDateTime,
  signingKeyId: z.string(),
  shasumsFilename: z.string(),
  workflowId: z.string(),
  platforms: z.array(providerPlatform),
});
export type ProviderVersion = z.infer<typeof providerVersion>;

export const providerDetail = z.object({
  namespace: z.string(),
  type: z.string(),
  description: z.string().nullable(),
  downloads: z.number().int(),
  createdAt: isoDateTime,
  /** Highest version first (semver precedence). */
  versions: z.array(providerVersion),
});
export type ProviderDetail = z.infer<typeof providerDetail>;

/** 201 of an upload with `?wait=true`: the publish workflow's result. */
export const providerPublished = accepted.extend({
  provider: z.object({ namespace: z.string(), type: z.string() }),
  version: z.string(),
  versionId: z.string(),
  signingKeyId: z.string(),
  platforms: z.array(z.object({ os: z.string(), arch: z.string(), sha256: z.string(), h1: z.string() })),
  publishedAt: isoDateTime,
});
export type ProviderPublished = z.infer<typeof providerPublished>;
