import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { Invalid } from '../../../core/errors';
import type { WorkflowStatusName } from './schemas';
import { visibilityQuery } from './visibility-query';

type RawExecution = proto.temporal.api.workflow.v1.IWorkflowExecutionInfo;
const S = proto.temporal.api.enums.v1.WorkflowExecutionStatus;
const GRPC_INVALID_ARGUMENT = 3;

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

function statusName(code: number | null | undefined): WorkflowStatusName {
  switch (code) {
    case S.WORKFLOW_EXECUTION_STATUS_COMPLETED:
      return 'completed';
    case S.WORKFLOW_EXECUTION_STATUS_FAILED:
      return 'failed';
    case S.WORKFLOW_EXECUTION_STATUS_CANCELED:
      return 'cancelled';
    case S.WORKFLOW_EXECUTION_STATUS_TERMINATED:
      return 'terminated';
    case S.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
      return 'timed_out';
    default:
      return 'running';
  }
}

function timestamp(ts: { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined): Date | null {
  if (!ts || ts.seconds == null) return null;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));
}

function keyword(raw: RawExecution, name: string): string | null {
  const payload = raw.searchAttributes?.indexedFields?.[name];
  if (!payload) return null;
  const value = defaultPayloadConverter.fromPayload<unknown>(payload);
  // Keyword attributes arrive as a string, or as a one-element list when set through the untyped API.
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : null;
}

function present(raw: RawExecution): WorkflowSummary {
  const startedAt = timestamp(raw.startTime) ?? new Date(0);
  const closedAt = timestamp(raw.closeTime);
  return {
    workflowId: raw.execution?.workflowId ?? '',
    runId: raw.execution?.runId ?? '',
    type: raw.type?.name ?? '',
    kind: keyword(raw, 'StrataKind'),
    subject: keyword(raw, 'StrataArtifact'),
    version: keyword(raw, 'StrataVersion'),
    status: statusName(raw.status),
    startedAt: startedAt.toISOString(),
    closedAt: closedAt?.toISOString() ?? null,
    durationMs: closedAt ? closedAt.getTime() - startedAt.getTime() : null,
  };
}

/**
 * Strata's workflows from Temporal visibility, newest first, one page at a time. Visibility is eventually
 * consistent: a workflow started a moment ago may appear a moment later. The page token is Temporal's own,
 * base64url-encoded.
 */
export async function listStrataWorkflows(
  client: Client,
  input: {
    namespace: string;
    taskQueue: string;
    kind?: string;
    status?: WorkflowStatusName;
    q?: string;
    pageToken?: string;
    pageSize: number;
  },
): Promise<WorkflowPage> {
  let response;
  try {
    response = await client.workflowService.listWorkflowExecutions({
      namespace: input.namespace,
      query: visibilityQuery(input),
      pageSize: input.pageSize,
      nextPageToken: input.pageToken ? Buffer.from(input.pageToken, 'base64url') : undefined,
    });
  } catch (err) {
    if ((err as { code?: number }).code === GRPC_INVALID_ARGUMENT && input.pageToken) {
      throw new Invalid('the pageToken is not one this list returned (or it has expired): start from the first page', 'invalid_page_token');
    }
    throw err;
  }
  const token = response.nextPageToken;
  return {
    items: response.executions.map(present),
    nextPageToken: token && token.length > 0 ? Buffer.from(token).toString('base64url') : null,
  };
}
