// Shapes of the Strata API as the dashboard reads them. Module analysis, workflow progress and core/api-shapes are the
// server's own types (type-only imports, erased from the bundle), so a change there breaks the build here.
import type { ModuleAnalysis, ModuleInput, ModuleOutput, ModuleResource, ModuleUnit, ProviderRequirement } from '../../../core/registry/module-analysis/types';
import type { ProgressSnapshot, StepState, StepStatus } from '../../../workflows/progress';
import type { CatalogItem, CatalogKind, CatalogSort, WorkflowPage, WorkflowStatusName, WorkflowSummary } from '../../../core/api-shapes';

export type { CatalogItem, CatalogKind, CatalogSort, WorkflowPage, WorkflowStatusName, WorkflowSummary };

export type { ModuleAnalysis, ModuleInput, ModuleOutput, ModuleResource, ModuleUnit, ProviderRequirement, ProgressSnapshot, StepState, StepStatus };


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

// VCS publishing (api/routes/vcs/present.ts): connections, links, deliveries and violations.

export type VcsKind = 'github' | 'gitlab' | 'azure-devops';
export type VcsConnectionStatus = 'pending' | 'valid' | 'invalid';

export interface VcsConnection {
  id: string;
  kind: VcsKind;
  name: string;
  baseUrl: string;
  status: VcsConnectionStatus;
  statusReason: string | null;
  /** Who the token belongs to, as the provider's "who am I" answered. */
  identity: string | null;
  checkedAt: string | null;
  createdAt: string;
}

/** A connection just saved or re-validated; `done` is false while the provider is still being asked. */
export type VcsConnectionChecked = VcsConnection & { validation: Accepted & { done: boolean } };

/** A connection authenticates with a token, or (GitHub only) as a GitHub App installation. */
export type VcsConnectionInput = {
  kind: VcsKind;
  name: string;
  baseUrl?: string;
} & ({ token: string } | { appId: string; privateKey: string; installationId: number });

export interface VcsRepository {
  fullName: string;
  webUrl: string;
  defaultBranch: string | null;
  private: boolean | null;
}

export interface VcsTagPreview {
  name: string;
  commitSha: string;
  /** The version this tag publishes under the tag pattern; null when it is not a release tag. */
  version: string | null;
}

export type VcsWebhookStatus = 'pending' | 'installed' | 'manual';

export interface VcsLink {
  id: string;
  module: { namespace: string; name: string; system: string };
  connectionId: string;
  kind: VcsKind;
  repository: string;
  subdirectory: string | null;
  tagPattern: string;
  webhookUrl: string;
  webhook: { status: VcsWebhookStatus; id: string | null; error: string | null };
  lastSyncedAt: string | null;
  createdAt: string;
}

export interface VcsLinkInput {
  connectionId: string;
  repository: string;
  subdirectory?: string;
  tagPattern?: string;
}

/** The answer to linking: the only time the webhook secret is shown. */
export type VcsLinkCreated = VcsLink & { webhookSecret: string; webhookUsername?: string; setup: Accepted };

export type VcsDeliveryResult = 'started' | 'ignored' | 'in-progress' | 'published' | 'unchanged' | 'violation' | 'not-a-release' | 'tag-missing' | 'failed';

export interface VcsDelivery {
  id: string;
  provider: string;
  deliveryId: string;
  event: string;
  repository: string | null;
  ref: string | null;
  tag: string | null;
  result: VcsDeliveryResult;
  detail: string | null;
  workflowId: string | null;
  receivedAt: string;
  updatedAt: string;
}

export interface VcsViolation {
  id: string;
  tag: string;
  version: string;
  recordedSha: string | null;
  observedSha: string;
  detectedBy: string;
  workflowId: string;
  detectedAt: string;
}

export type VcsSyncAccepted = Accepted & { alreadyRunning: boolean };
