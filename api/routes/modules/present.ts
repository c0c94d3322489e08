import type { ModuleRow, ModuleSummaryRow, ModuleVersionRow } from '../../../core/db/repos/modules';

/** API shapes for modules (camelCase, ISO dates, numbers as numbers). */
export function presentModuleSummary(r: ModuleSummaryRow) {
  return {
    namespace: r.namespace,
    name: r.name,
    system: r.system,
    description: r.description,
    downloads: Number(r.downloads),
    latestVersion: r.latest_version,
    versionCount: Number(r.version_count),
    publishedAt: r.latest_published_at ? new Date(r.latest_published_at).toISOString() : null,
  };
}

export function presentModuleVersion(v: ModuleVersionRow) {
  return {
    version: v.version,
    publishedAt: new Date(v.published_at).toISOString(),
    sha256: v.sha256,
    size: Number(v.size),
    format: v.format,
    source: v.source,
    commitSha: v.commit_sha,
    repository: v.repository,
    downloads: Number(v.downloads),
    workflowId: v.workflow_id,
    analysis: v.analysis,
  };
}

export function presentModule(m: ModuleRow, versions: ModuleVersionRow[]) {
  return {
    namespace: m.namespace,
    name: m.name,
    system: m.system,
    description: m.description,
    downloads: Number(m.downloads),
    createdAt: new Date(m.created_at).toISOString(),
    versions: versions.map(presentModuleVersion),
  };
}
