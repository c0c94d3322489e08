import type { ProviderRow, VersionWithPlatforms } from '../../../core/db/repos/providers';

export function presentProviderSummary(r: ProviderRow & { latest_version: string | null; version_count: string }) {
  return {
    namespace: r.namespace,
    type: r.type,
    description: r.description,
    downloads: Number(r.downloads),
    latestVersion: r.latest_version,
    versionCount: Number(r.version_count),
  };
}

export function presentProviderVersion(v: VersionWithPlatforms) {
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

export function presentProvider(p: ProviderRow, versions: VersionWithPlatforms[]) {
  return {
    namespace: p.namespace,
    type: p.type,
    description: p.description,
    downloads: Number(p.downloads),
    createdAt: new Date(p.created_at).toISOString(),
    versions: versions.map(presentProviderVersion),
  };
}
