import type { CatalogRow } from '../../../core/db/repos/catalog-search';
import type { ProviderRow, VersionWithPlatforms } from '../../../core/db/repos/providers';
import { latestVersion } from '../../../core/registry/latest-version';
import type { ProviderDetail, ProviderSummary, ProviderVersion } from './shapes';

/** API shapes for providers; declared in ./shapes.ts. */
export function presentProviderSummary(r: CatalogRow): ProviderSummary {
  return {
    namespace: r.namespace,
    type: r.name,
    description: r.description,
    downloads: Number(r.downloads),
    latestVersion: latestVersion(r.versions),
    versionCount: r.versions.length,
  };
}

export function presentProviderVersion(v: VersionWithPlatforms): ProviderVersion {
  return {
    version: v.version,
    protocols: v.protocols,
    publishedAt: new Date(v.published_at).toISOString(),
    signingKeyId: v.signing_key_id,
    shasumsFilename: v.shasums_filename,
    workflowId: v.workflow_id,
    platforms: v.platforms.map((p) => ({
      os: p.os,
      arch: p.arch,
      filename: p.filename,
      sha256: p.sha256,
      h1: p.h1,
      size: Number(p.size),
    })),
  };
}

/** `versions` come highest first (the repository sorts them). */
export function presentProvider(p: ProviderRow, versions: VersionWithPlatforms[]): ProviderDetail {
  return {
    namespace: p.namespace,
    type: p.type,
    description: p.description,
    downloads: Number(p.downloads),
    createdAt: new Date(p.created_at).toISOString(),
    versions: versions.map(presentProviderVersion),
  };
}
