import semver from 'semver';
import type { AccessRequestRow, PluginListRow, PluginRow, PluginVersionRow } from '../../../core/db/repos/plugins';
import type { PluginAccessRequest, PluginDetail, PluginSummary, PluginVersion } from './shapes';

const newestFirst = (a: string, b: string) => semver.rcompare(a, b);

export function presentPluginSummary(row: PluginListRow, org: string): PluginSummary {
  const versions = [...row.versions].sort(newestFirst);
  return {
    name: row.name,
    org,
    description: row.description,
    locked: row.locked,
    latestVersion: versions[0] ?? null,
    versionCount: versions.length,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const presentVersionSummary = (v: PluginVersionRow) => ({
  version: v.version,
  description: v.description,
  entry: v.entry,
  sha256: v.sha256,
  publishedAt: new Date(v.created_at).toISOString(),
});

export function presentPluginDetail(
  plugin: PluginRow,
  org: string,
  versions: PluginVersionRow[],
  caller: { canUse: boolean; request: AccessRequestRow | undefined },
): PluginDetail {
  const sorted = [...versions].sort((a, b) => newestFirst(a.version, b.version));
  return {
    ...presentPluginSummary({ ...plugin, versions: sorted.map((v) => v.version) }, org),
    versions: sorted.map(presentVersionSummary),
    canUse: caller.canUse,
    myAccessRequest: caller.request ? { id: caller.request.id, status: caller.request.status as 'pending' | 'approved' } : null,
  };
}

export function presentPluginVersion(plugin: PluginRow, org: string, v: PluginVersionRow): PluginVersion {
  return { ...presentVersionSummary(v), name: plugin.name, org, inputs: v.inputs };
}

export function presentAccessRequest(r: AccessRequestRow & { email?: string; user_name?: string | null }, plugin: string): PluginAccessRequest {
  return {
    id: r.id,
    plugin,
    user: { id: r.user_id, ...(r.email !== undefined ? { email: r.email, name: r.user_name ?? null } : {}) },
    status: r.status,
    reason: r.reason,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
