import { z } from 'zod';
import { accepted, isoDateTime, itemsOf } from '../common-shapes';

/** core/vcs/types.ts `vcsKinds` (repeated, not imported, so the browser's typecheck stays free of Node types; present.ts checks they agree). */
export const vcsKind = z.enum(['github', 'gitlab', 'azure-devops']);
export type VcsKind = z.infer<typeof vcsKind>;

export const vcsConnectionStatus = z.enum(['pending', 'valid', 'invalid']);
export type VcsConnectionStatus = z.infer<typeof vcsConnectionStatus>;

/** A connection as the API shows it: never the token or app key, sealed or not. */
export const vcsConnection = z.object({
  id: z.string(),
  kind: vcsKind,
  name: z.string(),
  baseUrl: z.string(),
  status: vcsConnectionStatus,
  statusReason: z.string().nullable(),
  /** Who the credentials belong to, as the provider's "who am I" answered. */
  identity: z.string().nullable(),
  checkedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});
export type VcsConnection = z.infer<typeof vcsConnection>;

export const vcsConnectionList = itemsOf(vcsConnection);

/** A connection just saved or re-validated; `done` is false while the provider is still being asked. */
export const vcsConnectionChecked = vcsConnection.extend({ validation: accepted.extend({ done: z.boolean() }) });
export type VcsConnectionChecked = z.infer<typeof vcsConnectionChecked>;

export const vcsRepository = z.object({
  /** How links name it: `owner/repo` (GitHub), `group/project` (GitLab), `project/repo` (Azure DevOps). */
  fullName: z.string(),
  webUrl: z.string(),
  defaultBranch: z.string().nullable(),
  private: z.boolean().nullable(),
});
export type VcsRepository = z.infer<typeof vcsRepository>;
export const vcsRepositoryList = itemsOf(vcsRepository);

export const vcsTagPreview = z.object({
  name: z.string(),
  commitSha: z.string(),
  /** The version this tag publishes under the tag pattern; null when it is not a release tag. */
  version: z.string().nullable(),
});
export type VcsTagPreview = z.infer<typeof vcsTagPreview>;
export const vcsTagPreviewList = itemsOf(vcsTagPreview);

export const vcsWebhookStatus = z.enum(['pending', 'installed', 'manual']);
export type VcsWebhookStatus = z.infer<typeof vcsWebhookStatus>;

/** A link as the API shows it: the webhook URL, never the webhook secret (shown once, when linking). */
export const vcsLink = z.object({
  id: z.string(),
  module: z.object({ namespace: z.string(), name: z.string(), system: z.string() }),
  connectionId: z.string(),
  kind: vcsKind,
  repository: z.string(),
  subdirectory: z.string().nullable(),
  tagPattern: z.string(),
  webhookUrl: z.string(),
  webhook: z.object({ status: vcsWebhookStatus, id: z.string().nullable(), error: z.string().nullable() }),
  lastSyncedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});
export type VcsLink = z.infer<typeof vcsLink>;

/** The answer to linking: the only time the webhook secret is shown. */
export const vcsLinkCreated = vcsLink.extend({
  webhookSecret: z.string(),
  /** Azure DevOps service hooks authenticate with basic auth: this user name and the secret as password. */
  webhookUsername: z.string().optional(),
  setup: accepted,
});
export type VcsLinkCreated = z.infer<typeof vcsLinkCreated>;

export const vcsDeliveryResult = z.enum(['started', 'ignored', 'in-progress', 'published', 'unchanged', 'violation', 'not-a-release', 'tag-missing', 'failed']);
export type VcsDeliveryResult = z.infer<typeof vcsDeliveryResult>;

export const vcsDelivery = z.object({
  id: z.string(),
  provider: z.string(),
  deliveryId: z.string(),
  event: z.string(),
  repository: z.string().nullable(),
  ref: z.string().nullable(),
  tag: z.string().nullable(),
  result: vcsDeliveryResult,
  detail: z.string().nullable(),
  workflowId: z.string().nullable(),
  receivedAt: isoDateTime,
  updatedAt: isoDateTime,
});
export type VcsDelivery = z.infer<typeof vcsDelivery>;
export const vcsDeliveryList = itemsOf(vcsDelivery);

export const vcsViolation = z.object({
  id: z.string(),
  tag: z.string(),
  version: z.string(),
  recordedSha: z.string().nullable(),
  observedSha: z.string(),
  detectedBy: z.string(),
  workflowId: z.string(),
  detectedAt: isoDateTime,
});
export type VcsViolation = z.infer<typeof vcsViolation>;
export const vcsViolationList = itemsOf(vcsViolation);

const tagOutcome = z.enum(['published', 'unchanged', 'violation', 'not-a-release', 'tag-missing']);

/** 202 of a manual sync. */
export const vcsSyncAccepted = accepted.extend({ alreadyRunning: z.boolean() });
export type VcsSyncAccepted = z.infer<typeof vcsSyncAccepted>;

/** 200 of a manual sync with `?wait=true`: the sync workflow's summary (workflows/vcs/types.ts). */
export const vcsSyncDone = accepted.extend({
  releaseTags: z.number().int(),
  started: z.number().int(),
  /** How many tags' publishes were already running under their workflow IDs (a webhook got there first). */
  alreadyRunning: z.number().int(),
  failed: z.number().int(),
  outcomes: z.partialRecord(tagOutcome, z.number().int()),
});
export type VcsSyncDone = z.infer<typeof vcsSyncDone>;

/** 202 of a webhook receiver: what became of each tag the delivery named. */
export const webhookAccepted = z.object({
  linkId: z.string(),
  duplicate: z.boolean(),
  deliveries: z.array(z.object({ tag: z.string().nullable(), result: z.string(), detail: z.string().nullable(), workflowId: z.string().nullable() })),
});
