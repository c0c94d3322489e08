import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { Invalid } from '../../../core/errors';
import type { WorkflowPage, WorkflowStatusName, WorkflowSummary } from './shapes';
import { visibilityQuery } from './visibility-query';

type RawExecution = proto.temporal.api.workflow.v1.IWorkflowExecutionInfo;
const S = proto.temporal.api.enums.v1.WorkflowExecutionStatus;
const LIST_DEADLINE_MS = 10_000;
const CHECK_BYTES = 8;

function check(query: string, raw: Uint8Array): Buffer {
  return createHash('sha256').update(query).update('\n').update(raw).digest().subarray(0, CHECK_BYTES);
}

/**
 * Page tokens carry a checksum over Temporal's token and the query: Temporal answers a garbled token only
 * after a long retry loop, so a bad or mismatched token is refused here, at once.
 */
export function encodePageToken(query: string, raw: Uint8Array): string {
  return Buffer.concat([check(query, raw), raw]).toString('base64url');
}

export function decodePageToken(query: string, token: string): Buffer | null {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length <= CHECK_BYTES) return null;
  const raw = bytes.subarray(CHECK_BYTES);
  return check(query, raw).equals(bytes.subarray(0, CHECK_BYTES)) ? raw : null;
}

function invalidPageToken(): Invalid {
  return new Invalid('the pageToken is not one this list returned for these filters: start again from the first page', 'invalid_page_token');
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
 * consistent: a workflow started a moment ago may appear a moment later.
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
  const query = visibilityQuery(input);
  const nextPageToken = input.pageToken ? decodePageToken(query, input.pageToken) : undefined;
  if (nextPageToken === null) throw invalidPageToken();
  let response;
  try {
    response = await client.connection.withDeadline(Date.now() + LIST_DEADLINE_MS, () =>
      client.workflowService.listWorkflowExecutions({ namespace: input.namespace, query, pageSize: input.pageSize, nextPageToken }),
    );
  } catch (err) {
    // A well-formed token Temporal no longer accepts (expired, from another server).
    if (nextPageToken) throw invalidPageToken();
    throw err;
  }
  const token = response.nextPageToken;
  return {
    items: response.executions.map(present),
    nextPageToken: token && token.length > 0 ? encodePageToken(query, token) : null,
  };
}
