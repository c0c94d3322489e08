import { z } from 'zod';
import type { ProgressSnapshot } from '../../../workflows/progress';
import { isoDateTime } from '../common-shapes';

export const workflowStatuses = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out'] as const;
export const workflowStatusName = z.enum(workflowStatuses);
export type WorkflowStatusName = z.infer<typeof workflowStatusName>;

/** One row of the activity list. */
export const workflowSummary = z.object({
  workflowId: z.string(),
  runId: z.string(),
  type: z.string(),
  /** `StrataKind`, e.g. `module-publish`. */
  kind: z.string().nullable(),
  /** `StrataArtifact`, e.g. `acme/network/aws`. */
  subject: z.string().nullable(),
  version: z.string().nullable(),
  status: workflowStatusName,
  startedAt: isoDateTime,
  closedAt: isoDateTime.nullable(),
  durationMs: z.number().nullable(),
});
export type WorkflowSummary = z.infer<typeof workflowSummary>;

export const workflowPage = z.object({
  items: z.array(workflowSummary),
  /** Pass back as `pageToken` for the next page; null on the last page. */
  nextPageToken: z.string().nullable(),
});
export type WorkflowPage = z.infer<typeof workflowPage>;

const stepState = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped']),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
});

/** The steps a multi-step workflow reports through its `progress` query (workflows/progress.ts). */
export const progressSnapshot = z.object({ steps: z.array(stepState) }) satisfies z.ZodType<ProgressSnapshot>;

/** A workflow's status: its progress, and its result or error once closed, with a link into the Temporal UI. */
export const workflowView = z.object({
  workflowId: z.string(),
  runId: z.string(),
  type: z.string(),
  status: workflowStatusName,
  startedAt: isoDateTime,
  closedAt: isoDateTime.nullable(),
  progress: progressSnapshot.nullable(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  temporalUiUrl: z.string(),
});
export type WorkflowView = z.infer<typeof workflowView>;
