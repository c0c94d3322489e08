import Router from '@koa/router';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Context } from 'koa';
import { can } from '../../../core/auth/policy';
import type { Identity } from '../../../core/auth/principal';
import { registerActionHandler } from '../../../core/notifications/action-links';
import { approvalPolicyFor, mayApprove } from '../../../core/runs/approval-policy';
import type { Db } from '../../../core/db/knex';
import { findOrgById, type OrgRow } from '../../../core/db/repos/organizations';
import { FINAL_STATUSES, findRun, listActiveRuns, type RunRow } from '../../../core/db/repos/runs';
import { findWorkspaceById, type WorkspaceRow } from '../../../core/db/repos/workspaces';
import { Conflict, Forbidden, NotFound } from '../../../core/errors';
import { approveRunUpdate, discardRunUpdate, runWorkflowId } from '../../../workflows/runs/definitions';
import type { AppDeps, AppState } from '../../deps';
import { audit, authorize, requireUser } from '../../authz';
import { readJson } from '../../body';
import { openEventStream } from '../activity/event-stream';
import { visibleOrg } from '../orgs/lookup';
import { orgParams } from '../orgs/schemas';
import { presentLogLine } from '../workspaces/present';
import { runView } from './run-view';
import { decisionInput, logSearchQuery, logsQuery, runParams } from './schemas';

type Ctx = Context & { state: AppState };

interface LogRow {
  id: string;
  phase: string;
  seq: number;
  at: Date;
  severity: string;
  text: string;
}

/** The run of the path with its workspace and organisation, if the principal may read it (else 404). */
async function visibleRun(db: Db, ctx: Ctx): Promise<{ run: RunRow; ws: WorkspaceRow; org: OrgRow }> {
  const { id } = runParams.parse(ctx.params);
  const run = await findRun(db, id);
  const p = ctx.state.identity.principal;
  const hidden = new NotFound(`no run ${id}`, 'run_not_found');
  if (!run) throw hidden;
  if (p.kind === 'run' && p.runId !== run.id) throw hidden;
  if (p.kind !== 'run') authorize(ctx, 'workspace.read', { orgId: run.org_id }, `no run ${id}`);
  const [ws, org] = await Promise.all([findWorkspaceById(db, run.workspace_id), findOrgById(db, run.org_id)]);
  if (!ws || !org) throw hidden;
  return { run, ws, org };
}

/**
 * Runs: their status, plan and outputs; approve, discard and cancel; logs as text, as a live SSE stream and as
 * a search. Approvers are checked against the workspace environment's policy here; the workflow records who
 * decided and why, and refuses a decision when the run is not waiting for one.
 */
export function runsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/api/v1/runs/:id', async (ctx: Ctx) => {
    const { run, ws, org } = await visibleRun(deps.db, ctx);
    ctx.body = await runView(deps, ctx, run, ws, org);
  });

  router.get('/api/v1/orgs/:org/runs', async (ctx: Ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'workspace.read', { orgId: org.id });
    const runs = await listActiveRuns(deps.db, org.id);
    const workspaces = new Map<string, WorkspaceRow>();
    for (const r of runs) if (!workspaces.has(r.workspace_id)) workspaces.set(r.workspace_id, (await findWorkspaceById(deps.db, r.workspace_id))!);
    ctx.body = { items: await Promise.all(runs.map((r) => runView(deps, ctx, r, workspaces.get(r.workspace_id)!, org))) };
  });

  /**
   * Sends an approver's decision to the run's workflow: the caller must see the run (else 404) and be an approver of
   * its environment's policy (403); the run must be waiting (409).
   */
  const sendDecision = async (identity: Identity, runId: string, decision: 'approve' | 'discard', comment: string | null, onDenied?: (run: RunRow) => Promise<void>) => {
    const p = identity.principal;
    const run = await findRun(deps.db, runId);
    if (!run || !can(identity.access, 'workspace.read', { orgId: run.org_id })) throw new NotFound(`no run ${runId}`, 'run_not_found');
    if (p.kind !== 'user') throw new Forbidden('a decision on a run needs a person, not a service token', 'user_required');
    const ws = (await findWorkspaceById(deps.db, run.workspace_id))!;
    const policy = await approvalPolicyFor(deps.db, ws.org_id, ws.environment);
    if (!(await mayApprove(deps.db, { access: identity.access, userId: p.user.id, orgId: ws.org_id, policy }))) {
      await onDenied?.(run);
      throw new Forbidden(`the ${ws.environment} approval policy does not let you ${decision} this run`, 'not_an_approver');
    }
    if (run.status !== 'awaiting_approval') throw new Conflict(`the run is ${run.status}, not awaiting approval`, 'run_not_awaiting_approval');
    const handle = deps.temporal.workflow.getHandle(runWorkflowId(run.id, ws.engine));
    const payload = { userId: p.user.id, userLabel: p.user.email, comment };
    try {
      // The update ID makes a double submit (or a retry after a lost answer) one decision.
      if (decision === 'approve') await handle.executeUpdate(approveRunUpdate, { args: [payload], updateId: `approve:${p.user.id}` });
      else await handle.executeUpdate(discardRunUpdate, { args: [payload], updateId: `discard:${p.user.id}` });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new Conflict(err.cause?.message ?? 'the run is not waiting for approval', 'run_not_awaiting_approval');
      if (err instanceof WorkflowNotFoundError) throw new Conflict('the run is not running', 'run_not_awaiting_approval');
      throw err;
    }
  };
  // Approve from the inbox: a mail's single-use link, confirmed by its person signed in, decides the same way.
  for (const decision of ['approve', 'discard'] as const) {
    registerActionHandler(`run.${decision}`, ({ runId, identity }) => sendDecision(identity, runId, decision, 'from the notification email'));
  }

  const decide = (decision: 'approve' | 'discard') => async (ctx: Ctx) => {
    // The body first: a wrong media type is refused the same way whatever the path names.
    const input = decisionInput.parse(ctx.request.length || ctx.get('content-type') ? await readJson(ctx) : {});
    const { run, ws, org } = await visibleRun(deps.db, ctx);
    requireUser(ctx);
    await sendDecision(ctx.state.identity, run.id, decision, input.comment ?? null, () =>
      deps.db.transaction((tx) => audit(ctx, tx, { orgId: org.id, action: `run.${decision}`, target: run.id, result: 'denied' })),
    );
    await deps.db.transaction((tx) => audit(ctx, tx, { orgId: org.id, action: `run.${decision}`, target: run.id, result: 'success', details: { comment: input.comment ?? null } }));
    ctx.status = 202;
    ctx.body = await runView(deps, ctx, (await findRun(deps.db, run.id))!, ws, org);
  };
  router.post('/api/v1/runs/:id/approve', decide('approve'));
  router.post('/api/v1/runs/:id/discard', decide('discard'));

  router.post('/api/v1/runs/:id/cancel', async (ctx: Ctx) => {
    const { run, ws, org } = await visibleRun(deps.db, ctx);
    authorize(ctx, 'workspace.run', { orgId: org.id });
    if (FINAL_STATUSES.includes(run.status)) throw new Conflict(`the run is already ${run.status}`, 'run_finished');
    // A queued run is canceled in place; the queue skips it when its turn comes.
    const canceledInQueue = await deps.db('runs').where({ id: run.id, status: 'queued' }).update({ status: 'canceled', error: 'canceled while queued', finished_at: deps.db.fn.now(), updated_at: deps.db.fn.now() });
    if (!canceledInQueue) {
      try {
        await deps.temporal.workflow.getHandle(runWorkflowId(run.id, ws.engine)).cancel();
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    await deps.db.transaction((tx) => audit(ctx, tx, { orgId: org.id, action: 'run.cancel', target: run.id, result: 'success' }));
    ctx.status = 202;
    ctx.body = await runView(deps, ctx, (await findRun(deps.db, run.id))!, ws, org);
  });

  router.get('/api/v1/runs/:id/logs', async (ctx: Ctx) => {
    const { run } = await visibleRun(deps.db, ctx);
    const { phase } = logsQuery.parse(ctx.query);
    const q = deps.db('run_logs').where({ run_id: run.id }).orderBy([{ column: 'phase', order: 'desc' }, 'seq']);
    if (phase) q.andWhere({ phase });
    const rows = (await q.select('text')) as { text: string }[];
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = rows.map((r) => r.text).join('\n') + (rows.length ? '\n' : '');
  });

  router.get('/api/v1/runs/:id/logs/search', async (ctx: Ctx) => {
    const { run } = await visibleRun(deps.db, ctx);
    const f = logSearchQuery.parse(ctx.query);
    const q = deps.db('run_logs').where({ run_id: run.id }).orderBy('id').limit(f.limit);
    if (f.phase) q.andWhere({ phase: f.phase });
    if (f.severity) q.andWhere({ severity: f.severity });
    if (f.q) q.andWhere('text', 'ilike', `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (f.from) q.andWhere('at', '>=', new Date(f.from));
    if (f.to) q.andWhere('at', '<=', new Date(f.to));
    if (f.after) q.andWhere('id', '>', f.after);
    ctx.body = { items: ((await q.select('id', 'phase', 'seq', 'at', 'severity', 'text')) as LogRow[]).map(presentLogLine) };
  });

  router.get('/api/v1/runs/:id/logs/events', async (ctx: Ctx) => {
    const { run } = await visibleRun(deps.db, ctx);
    const stream = openEventStream(ctx);
    let after = Number(ctx.get('last-event-id')) || 0;
    let stopped = false;
    stream.onClose(() => (stopped = true));
    void (async () => {
      // Lines arrive in small batches a few times a second: follow the table until the run ends.
      while (!stopped) {
        const rows = await deps.db('run_logs').where({ run_id: run.id }).andWhere('id', '>', after).orderBy('id').limit(500).select('id', 'phase', 'seq', 'at', 'severity', 'text') as LogRow[];
        for (const r of rows) stream.send('log', presentLogLine(r));
        if (rows.length) after = Number(rows[rows.length - 1]!.id);
        const now = await findRun(deps.db, run.id);
        stream.send('status', { status: now?.status, plan: now?.plan ?? null });
        if (!now || (FINAL_STATUSES.includes(now.status) && rows.length < 500)) break;
        if (rows.length < 500) await new Promise((r) => setTimeout(r, 500));
      }
      stream.end();
    })().catch(() => stream.end());
  });

  return router;
}
