import { z } from 'zod';
import type { ModuleAnalysis } from '../../../core/registry/module-analysis/types';
import { accepted, isoDateTime, pageOf } from '../common-shapes';

/** A module in a search result. */
export const moduleSummary = z.object({
  namespace: z.string(),
  name: z.string(),
  system: z.string(),
  description: z.string().nullable(),
  downloads: z.number().int(),
  /** The highest release (core/registry/latest-version.ts); null while the module has no version. */
  latestVersion: z.string().nullable(),
  versionCount: z.number().int(),
  publishedAt: isoDateTime.nullable(),
});
export type ModuleSummary = z.infer<typeof moduleSummary>;

export const modulePage = pageOf(moduleSummary);
export type ModulePage = z.infer<typeof modulePage>;

export const moduleVersion = z.object({
  version: z.string(),
  publishedAt: isoDateTime,
  sha256: z.string(),
  size: z.number().int(),
  format: z.string(),
  source: z.string(),
  commitSha: z.string().nullable(),
  repository: z.string().nullable(),
  downloads: z.number().int(),
  workflowId: z.string(),
  /** What the publish workflow read from the archive (README, inputs, outputs, resources, submodules…). */
  analysis: z.custom<ModuleAnalysis>().nullable().meta({ description: 'the analysis of the archive (core/registry/module-analysis/types.ts)' }),
});
export type ModuleVersion = z.infer<typeof moduleVersion>;

export const moduleDetail = z.object({
  namespace: z.string(),
  name: z.string(),
  system: z.string(),
  description: z.string().nullable(),
  downloads: z.number().int(),
  createdAt: isoDateTime,
  /** Highest version first (semver precedence). */
  versions: z.array(moduleVersion),
});
export type ModuleDetail = z.infer<typeof moduleDetail>;

/** 201 of an upload with `?wait=true`: the publish workflow's result. */
export const modulePublished = accepted.extend({
  module: z.object({ namespace: z.string(), name: z.string(), system: z.string() }),
  version: z.string(),
  versionId: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  publishedAt: isoDateTime,
});
export type ModulePublished = z.infer<typeof modulePublished>;
