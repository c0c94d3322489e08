// Shapes of the Strata API as the dashboard reads them. Module analysis and workflow progress are the
// server's own types (type-only imports, erased from the bundle), so a change there breaks the build here.
import type { ModuleAnalysis, ModuleInput, ModuleOutput, ModuleResource, ModuleUnit, ProviderRequirement } from '../../../core/registry/module-analysis/types';
import type { ProgressSnapshot, StepState, StepStatus } from '../../../workflows/progress';

export type { ModuleAnalysis, ModuleInput, ModuleOutput, ModuleResource, ModuleUnit, ProviderRequirement, ProgressSnapshot, StepState, StepStatus };

export type CatalogSort = 'recent' | 'downloads' | 'name';
export type CatalogKind = 'all' | 'module' | 'provider';

export interface CatalogItem {
  kind: 'module' | 'provider';
  namespace: string;
  name: string;
  system: string | null;
  description: string | null;
  downloads: number;
  latestVersion: string | null;
  versionCount: number;
  publishedAt: string | null;
}

export interface CatalogPage {
  items: CatalogItem[];
  total: number;
  page: number;
  perPage: number;
  facets: { namespaces: string[]; providers: string[] };
}

export interface CatalogSearch {
  q?: string;
  namespace?: string;
  provider?: string;
  kind?: CatalogKind;
  sort?: CatalogSort;
  page?: number;
  perPage?: number;
}

export interface ModuleVersion {
  version: string;
  publishedAt: string;
  sha256: string;
  size: number;
  format: string;
  source: string;
  commitSha: string | null;
  repository: string | null;
  downloads: number;
  workflowId: string;
  analysis: ModuleAnalysis | null;
}

export interface ModuleDetail {
  namespace: string;
  name: string;
  system: string;
  description: string | null;
  downloads: number;
  createdAt: string;
  /** Newest first. */
  versions: ModuleVersion[];
}

export interface DownloadSeries {
  from: string;
  to: string;
  total: number;
  days: { day: string; count: number }[];
}

export interface ProviderPlatform {
  os: string;
  arch: string;
  filename: string;
  sha256: string;
  h1: string;
  size: number;
}

export interface ProviderVersion {
  version: string;
  protocols: string[];
  publishedAt: string;
  signingKeyId: string;
  shasumsFilename: string;
  workflowId: string;
  platforms: ProviderPlatform[];
}

export interface ProviderDetail {
  namespace: string;
  type: string;
  description: string | null;
  downloads: number;
  createdAt: string;
  versions: ProviderVersion[];
}

export interface GpgKey {
  namespace: string;
  key_id: string;
  fingerprint: string;
  source: string | null;
  source_url: string | null;
  created_at: string;
}

export type WorkflowStatusName = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out';

export interface WorkflowView {
  workflowId: string;
  runId: string;
  type: string;
  status: WorkflowStatusName;
  startedAt: string;
  closedAt: string | null;
  progress: ProgressSnapshot | null;
  result?: unknown;
  error?: { code: string; message: string };
  temporalUiUrl: string;
}

export interface WorkflowSummary {
  workflowId: string;
  runId: string;
  type: string;
  kind: string | null;
  subject: string | null;
  version: string | null;
  status: WorkflowStatusName;
  startedAt: string;
  closedAt: string | null;
  durationMs: number | null;
}

export interface WorkflowPage {
  items: WorkflowSummary[];
  nextPageToken: string | null;
}

export interface WorkflowFilter {
  kind?: string;
  status?: WorkflowStatusName;
  q?: string;
  pageToken?: string;
}

export interface Accepted {
  workflowId: string;
  statusUrl: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type CreatedToken = ApiToken & { token: string };
