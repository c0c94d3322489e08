import type { LogLine, Run } from '../../api/routes/workspaces/shapes';
import type { ApiClient } from '../api-client';
import type { Io } from '../command';
import { ApiError, CliError } from '../errors';
import { oneLine, terminalSafe, terminalSafeDeep } from '../terminal-safe';
import { readEvents } from './sse';

/** Statuses after which a run never changes again (`planned`: a speculative plan-only run). */
export const FINAL_STATUSES = ['applied', 'planned_no_changes', 'planned', 'discarded', 'canceled', 'errored'] as const;
/** Final statuses that mean the run did not do what it was started for: the CLI exits with 1. */
export const FAILED_STATUSES = ['errored', 'canceled', 'discarded'] as const;

export const isFinal = (status: string) => (FINAL_STATUSES as readonly string[]).includes(status);
export const isFailed = (status: string) => (FAILED_STATUSES as readonly string[]).includes(status);

export interface FollowOptions {
  /** Print only this phase's lines. */
  phase?: 'plan' | 'apply';
  /** How long to wait before reconnecting a dropped stream (tests make it short). */
  retryMs?: number;
  /** Reconnections in a row without anything new before giving up. */
  maxRetries?: number;
}

/**
 * Follows a run's live log stream (`GET /api/v1/runs/{id}/logs/events`): prints each `log` event's text on `out`
 * and each change of status as a note on `err`, and returns the final status once a `status` event carries one.
 * A dropped connection is resumed after the last line seen (`Last-Event-ID`), so no line is printed twice.
 * @throws ApiError when the API refuses the stream (unknown run: 404); CliError when the server stays unreachable
 */
export async function followRun(api: ApiClient, io: Io, runId: string, options: FollowOptions = {}): Promise<string> {
  const path = `/api/v1/runs/${encodeURIComponent(runId)}/logs/events`;
  const maxRetries = options.maxRetries ?? 5;
  let lastLogId: string | undefined;
  let lastStatus: string | undefined;
  let failures = 0;
  for (;;) {
    let progressed = false;
    try {
      const res = await api.eventStream(path, { lastEventId: lastLogId });
      for await (const event of readEvents(res.body!)) {
        if (event.event === 'log') {
          const line = terminalSafeDeep(JSON.parse(event.data) as LogLine);
          lastLogId = String(line.id);
          progressed = true;
          if (!options.phase || line.phase === options.phase) io.out(terminalSafe(line.text));
        } else if (event.event === 'status') {
          const { status } = JSON.parse(event.data) as { status?: unknown };
          if (typeof status !== 'string') continue;
          const safe = oneLine(status);
          if (safe !== lastStatus) {
            lastStatus = safe;
            progressed = true;
            io.err(`run ${runId}: ${safe}`);
            if (safe === 'awaiting_approval') io.err(`  waiting for approval: strata run approve ${runId} (or strata run discard ${runId})`);
          }
          if (isFinal(safe)) return safe;
        }
      }
    } catch (err) {
      // The API's own refusal (unknown run, no access) will not change by asking again.
      if (err instanceof ApiError) throw err;
      if (failures + 1 > maxRetries) throw err instanceof CliError ? err : new CliError(`the log stream of run ${runId} failed: ${oneLine((err as Error).message)}`);
    }
    failures = progressed ? 0 : failures + 1;
    if (failures > maxRetries) throw new CliError(`the log stream of run ${runId} ended before the run finished (last status: ${lastStatus ?? 'unknown'})`);
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 1000));
  }
}

/** The final report of a followed run: its summary on `out`, and a CliError (exit code 1) when it failed. */
export async function finishRun(api: ApiClient, io: Io, runId: string): Promise<void> {
  const run = await api.json<Run>('GET', `/api/v1/runs/${encodeURIComponent(runId)}`);
  io.out('');
  io.out(describeRun(run));
  if (isFailed(run.status)) throw new CliError(`run ${run.id} ${run.status}${run.error ? `: ${oneLine(run.error)}` : ''}`);
}

/** `+1 ~0 -0` style plan summary words. */
export function planWords(plan: Run['plan']): string {
  if (!plan) return 'no plan yet';
  return `${plan.add} to add, ${plan.change} to change, ${plan.destroy} to destroy`;
}

/** A run as `strata run show` prints it (every value from the server made single-line and terminal-safe). */
export function describeRun(run: Run): string {
  const rows: [string, string][] = [
    ['run', run.id],
    ['workspace', `${run.organization}/${run.workspace}`],
    ['operation', `${run.operation}${run.refreshOnly ? ' (refresh only)' : ''}`],
    ['status', run.status],
    ['plan', planWords(run.plan)],
    ['trigger', run.trigger],
    ['created', `${run.createdAt}${run.createdBy ? ` by ${run.createdBy}` : ''}`],
  ];
  if (run.finishedAt) rows.push(['finished', run.finishedAt]);
  if (run.status === 'awaiting_approval') {
    rows.push(['approvals', `${run.approvals.filter((a) => a.decision === 'approve').length} of ${run.requiredApprovals}${run.canApprove ? ' (you may approve)' : ''}`]);
  }
  for (const a of run.approvals) rows.push([a.decision === 'approve' ? 'approved' : 'discarded', `${a.at} by ${a.user}${a.comment ? `: ${a.comment}` : ''}`]);
  if (run.error) rows.push(['error', run.error]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${oneLine(v)}`);
  if (run.resourceChanges.length) {
    lines.push('changes');
    for (const c of run.resourceChanges) lines.push(`  ${oneLine(c.actions.join(','))}  ${oneLine(c.address)}`);
  }
  const outputs = Object.entries(run.outputs ?? {});
  if (outputs.length) {
    lines.push('outputs');
    for (const [name, o] of outputs) lines.push(`  ${oneLine(name)} = ${o.sensitive ? '(sensitive)' : oneLine(JSON.stringify(o.value))}`);
  }
  return lines.join('\n');
}
