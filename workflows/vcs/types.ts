/** Inputs and results of the VCS workflows. Types only: safe to import anywhere. */

export type VcsTrigger = 'webhook' | 'manual' | 'backfill' | 'reconcile';

export interface PublishVcsTagInput {
  linkId: string;
  tag: string;
  trigger: VcsTrigger;
  /** The delivery that asked for this run; its log entry receives the outcome. */
  deliveryRowId?: string;
}

export type TagOutcome = 'published' | 'unchanged' | 'violation' | 'not-a-release' | 'tag-missing';

export interface PublishVcsTagResult {
  outcome: TagOutcome;
  tag: string;
  version: string | null;
  commitSha: string | null;
  detail: string;
}

export interface SyncVcsLinkInput {
  linkId: string;
  trigger: Exclude<VcsTrigger, 'webhook'>;
}

export interface SyncVcsLinkResult {
  releaseTags: number;
  started: number;
  /** Tags whose publish was already running under its workflow ID (a webhook got there first). */
  alreadyRunning: number;
  failed: number;
  outcomes: Partial<Record<TagOutcome, number>>;
}

export interface ReconcileVcsLinksInput {
  /** Links are processed in pages; a page resumes after this link id (continue-as-new). */
  after?: string;
}
