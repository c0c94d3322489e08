import type { CatalogRow } from '../../../core/db/repos/catalog-search';
import type { ModuleRow, ModuleVersionRow } from '../../../core/db/repos/modules';
import { latestVersion } from '../../../core/registry/latest-version';
import type { ModuleDetail, ModuleSummary, ModuleVersion } from './shapes';

const iso = (d: Date) => new Date(d).toISOString();

/** API shapes for modules (camelCase, ISO dates, numbers as numbers); declared in ./shapes.ts. */
export function presentModuleSummary(r: CatalogRow): ModuleSummary {
  return {
    namespace: r.namespace,
    name: r.name,
    system: r.system ?? '',
    description: r.description,
    downloads: Number(r.downloads),
    latestVersion: latestVersion(r.versions),
    versionCount: r.versions.length,
    publishedAt: r.published_at ? iso(r.published_at) : null,
  };
}

export function presentModuleVersion(v: ModuleVersionRow): ModuleVersion {
  return {
    version: v.version,
    publishedAt: iso(v.published_at),
    sha256: v.sha256,
    size: Number(v.size),
    format: v.format,
    source: v.source,
    commitSha: v.commit_sha,
    repository: v.repository,
    downloads: Number(v.downloads),
    workflowId: v.workflow_id,
    analysis: v.analysis as ModuleVersion['analysis'],
  };
}

/** `versions` come highest first (the repository sorts them). */
export function presentModule(m: ModuleRow, versions: ModuleVersionRow[]): ModuleDetail {
  return {
    namespace: m.namespace,
    name: m.name,
    system: m.system,
    description: m.description,
    downloads: Number(m.downloads),
    createdAt: iso(m.created_at),
    versions: versions.map(presentModuleVersion),
  };
}
