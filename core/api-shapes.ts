/**
 * Shapes the HTTP API answers with, shared by the server and the dashboard (web/ imports them as types only,
 * so a change here breaks the dashboard's build instead of its pages). Plain types: no imports.
 */

export type WorkflowStatusName = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out';

/** One row of the activity list. */
export interface WorkflowSummary {
  workflowId: string;
  runId: string;
  type: string;
  /** `StrataKind`, e.g. `module-publish`. */
  kind: string | null;
  /** `StrataArtifact`, e.g. `acme/network/aws`. */
  subject: string | null;
  version: string | null;
  status: WorkflowStatusName;
  startedAt: string;
  closedAt: string | null;
  durationMs: number | null;
}

export interface WorkflowPage {
  items: WorkflowSummary[];
  /** Pass back as `pageToken` for the next page; null on the last page. */
  nextPageToken: string | null;
}

export type CatalogSort = 'recent' | 'downloads' | 'name';
export type CatalogKind = 'all' | 'module' | 'provider';

/** One search result: a module or a provider. */
export interface CatalogItem {
  kind: 'module' | 'provider';
  namespace: string;
  /** The module's name, or the provider's type. */
  name: string;
  /** The module's provider/system; null for a provider. */
  system: string | null;
  description: string | null;
  downloads: number;
  latestVersion: string | null;
  versionCount: number;
  publishedAt: string | null;
}
