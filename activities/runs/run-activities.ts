import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Context } from '@temporalio/activity';
import semver from 'semver';
import { ApplicationFailure } from '@temporalio/common';
import { generateToken } from '../../core/auth/tokens';
import type { Db } from '../../core/db/knex';
import { findOrgById } from '../../core/db/repos/organizations';
import { claimApply, findRun, insertRun, listApprovals, recordApproval, updateRun, type RunRow, type RunStatus } from '../../core/db/repos/runs';
import { findStateLock, tryLockState, unlockState } from '../../core/db/repos/state-locks';
import { insertToken } from '../../core/db/repos/tokens';
import { findWorkspaceById, updateWorkspace, type WorkspaceRow } from '../../core/db/repos/workspaces';
import { DomainError } from '../../core/errors';
import type { ExtractLimits } from '../../core/registry/archive';
import { dispatchNotifications, emitNotification } from '../../core/notifications/emit';
import { approvalPolicyFor, approversOf, type ApprovalPolicy } from '../../core/runs/approval-policy';
import { captureEngine, EngineFailed, runEngine } from '../../core/runs/engine-process';
import { RunLogSink, type RunPhase } from '../../core/runs/log-sink';
import { maskOutputs, summarisePlan } from '../../core/runs/plan-summary';
import type { RunRuntime } from '../../core/runs/runtime';
import { lockFileKey, planJsonKey, planKey } from '../../core/runs/storage-keys';
import { prepareWorkdir, type PreparedWorkdir } from '../../core/runs/workdir';
import type { BlobStorage } from '../../core/storage/storage';
import type { CredentialRuntime } from '../credentials/credential-check';
import { failureOf } from '../failures';
import { runCredentialEnv } from './run-credentials';

export interface RunActivityDeps {
  db: Db;
  storage: BlobStorage;
  limits: ExtractLimits;
  runs?: RunRuntime;
  /** Opens cloud credentials and applies the network policy (the VCS runtime serves: the same key and policy). */
  credentials?: CredentialRuntime;
  vcs?: CredentialRuntime;
}

/** What the run workflow needs to know about its run once it starts (no secrets). */
export interface RunStart {
  proceed: boolean;
  operation: RunRow['operation'];
  refreshOnly: boolean;
  autoApply: boolean;
  policy: ApprovalPolicy;
  workspaceId: string;
  orgId: string;
  reminderHours: number;
}

export interface PlanResult {
  hasChanges: boolean;
  summary: { add: number; change: number; destroy: number };
}

const HEARTBEAT_MS = 3000;

/**
 * The steps of a Terraform/OpenTofu run. Each is idempotent: the plan reuses a plan already stored, the apply
 * claims the run's apply exactly once (a second attempt fails permanently instead of applying again), and status
 * changes are plain writes of the workflow's decisions.
 */
export function createRunActivities(deps: RunActivityDeps) {
  const runtime = (): RunRuntime => {
    if (!deps.runs) throw ApplicationFailure.nonRetryable('this worker was started without the run runtime', 'RunsUnavailable');
    return deps.runs;
  };
  const load = async (runId: string): Promise<{ run: RunRow; ws: WorkspaceRow }> => {
    const run = await findRun(deps.db, runId);
    if (!run) throw ApplicationFailure.nonRetryable(`run ${runId} does not exist`, 'NotFound');
    const ws = await findWorkspaceById(deps.db, run.workspace_id);
    if (!ws) throw ApplicationFailure.nonRetryable(`the workspace of run ${runId} is gone`, 'NotFound');
    return { run, ws };
  };

  /** Runs one engine phase in a fresh working directory with a token minted for it, heartbeating throughout. */
  const withPhase = async <T>(runId: string, phase: RunPhase, work: (w: PreparedWorkdir, sink: RunLogSink, bin: string, ctx: { run: RunRow; ws: WorkspaceRow }) => Promise<T>): Promise<T> => {
    const rt = runtime();
    const loaded = await load(runId);
    const org = await findOrgById(deps.db, loaded.ws.org_id);
    if (!org) throw ApplicationFailure.nonRetryable('the organisation is gone', 'NotFound');
    const minted = generateToken();
    const token = await insertToken(deps.db, {
      name: `run ${runId} ${phase}`,
      prefix: minted.prefix,
      tokenHash: minted.hash,
      scopes: ['read'],
      runId,
      expiresAt: new Date(Date.now() + 6 * 3600_000),
    });
    const activity = Context.current();
    const beat = setInterval(() => activity.heartbeat({ phase }), HEARTBEAT_MS);
    let workdir: PreparedWorkdir | null = null;
    try {
      const credentials = deps.credentials ?? deps.vcs;
      const credentialEnv = credentials
        ? await runCredentialEnv({ db: deps.db, credentials, runs: rt }, { runId, phase, orgName: org.name, workspaceName: loaded.ws.name, workspaceId: loaded.ws.id })
        : {};
      workdir = await prepareWorkdir({ db: deps.db, storage: deps.storage, limits: deps.limits, runtime: rt, ...loaded, org, token: minted.token, credentialEnv });
      const sink = await RunLogSink.open(deps.db, runId, phase, workdir.mask);
      const bin = loaded.ws.engine === 'terraform' ? rt.engines.terraform : rt.engines.tofu;
      try {
        return await work(workdir, sink, bin, loaded);
      } catch (err) {
        sink.write(`Error: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      } finally {
        await sink.flush();
      }
    } catch (err) {
      if (err instanceof DomainError) throw failureOf(err);
      if (err instanceof EngineFailed) throw ApplicationFailure.nonRetryable(err.message, 'EngineFailed');
      throw err;
    } finally {
      clearInterval(beat);
      await deps.db('api_tokens').where({ id: token.id }).update({ revoked_at: deps.db.fn.now() });
      await workdir?.cleanup();
    }
  };

  const engine = (w: PreparedWorkdir, sink: RunLogSink, bin: string, args: string[]) =>
    runEngine({ bin, args, cwd: w.dir, env: w.env, onLine: (l) => sink.write(l), signal: Context.current().cancellationSignal });

  return {
    async beginRun(input: { runId: string }): Promise<RunStart> {
      const { run, ws } = await load(input.runId);
      const policy = await approvalPolicyFor(deps.db, ws.org_id, ws.environment);
      const start = { reminderHours: deps.runs?.reminderHours ?? 24, operation: run.operation, refreshOnly: run.refresh_only, autoApply: ws.auto_apply && policy.autoApplyAllowed, policy, workspaceId: ws.id, orgId: ws.org_id };
      if (run.status === 'queued') {
        const n = await deps.db('runs').where({ id: run.id, status: 'queued' }).update({ status: 'planning', updated_at: deps.db.fn.now() });
        if (n === 1) return { ...start, proceed: true };
      }
      // A replayed or retried start: go on if this run already started planning, stop if it was canceled meanwhile.
      const now = (await findRun(deps.db, run.id))!;
      return { ...start, proceed: now.status === 'planning' };
    },

    /** Takes the workspace's state lock for the run (retried while someone else holds it). */
    async lockStateForRun(input: { runId: string; workspaceId: string }): Promise<void> {
      const holder = await tryLockState(deps.db, {
        workspaceId: input.workspaceId,
        runId: input.runId,
        info: { ID: `run:${input.runId}`, Operation: 'OperationTypePlan', Who: 'strata', Info: `Strata run ${input.runId}`, Created: new Date().toISOString() },
      });
      if (holder) throw new Error(`the state is locked by ${holder.info.Who ?? 'someone'} (${holder.lock_id}) since ${holder.created_at.toISOString()}`);
    },

    async planRun(input: { runId: string }): Promise<PlanResult> {
      const existing = await findRun(deps.db, input.runId);
      if (existing?.plan_blob_key && existing.plan) return { hasChanges: existing.has_changes ?? false, summary: existing.plan };
      return withPhase(input.runId, 'plan', async (w, sink, bin, { run, ws }) => {
        const version = (JSON.parse(await captureEngine({ bin, args: ['version', '-json'], cwd: w.dir, env: w.env })) as { terraform_version?: string }).terraform_version;
        sink.write(`Strata: ${run.operation === 'destroy' ? 'destroy plan' : run.refresh_only ? 'refresh-only plan' : 'plan'} with ${ws.engine} ${version ?? '(unknown version)'}`);
        if (ws.engine_version && version && !semver.satisfies(version, ws.engine_version)) {
          // Engines are not downloaded on a closed network: the worker's binary must match the workspace's constraint.
          throw ApplicationFailure.nonRetryable(`the workspace asks for ${ws.engine} ${ws.engine_version}, this worker has ${version}`, 'EngineVersionUnavailable');
        }
        await engine(w, sink, bin, ['init', '-no-color', '-input=false']);
        const flags = ['-no-color', '-input=false', '-lock=false', '-detailed-exitcode', '-out=plan.bin'];
        if (run.operation === 'destroy') flags.push('-destroy');
        if (run.refresh_only) flags.push('-refresh-only');
        const code = await engine(w, sink, bin, ['plan', ...flags]);
        const json = await captureEngine({ bin, args: ['show', '-json', '-no-color', 'plan.bin'], cwd: w.dir, env: w.env });
        const { summary, changes, drift, outputsChange } = summarisePlan(json);
        const hasChanges = code === 2 && (summary.add + summary.change + summary.destroy > 0 || outputsChange || (run.refresh_only && drift.length > 0));
        await deps.storage.put(planKey(run.id), createReadStream(join(w.dir, 'plan.bin')));
        await deps.storage.put(planJsonKey(run.id), Buffer.from(w.mask(json)));
        const lockFile = join(w.dir, '.terraform.lock.hcl');
        if (existsSync(lockFile)) await deps.storage.put(lockFileKey(run.id), await readFile(lockFile));
        await updateRun(deps.db, run.id, { plan: summary, resource_changes: run.refresh_only ? drift : changes, has_changes: hasChanges, plan_blob_key: planKey(run.id), plan_json_key: planJsonKey(run.id) });
        if (run.trigger === 'drift') await recordDrift(deps.db, run.workspace_id, drift, changes);
        return { hasChanges, summary };
      });
    },

    /**
     * Applies exactly the saved plan, once. The run's apply is claimed before the engine starts: an attempt that
     * finds it claimed (a worker lost mid-apply, a duplicate) fails with `ApplyInterrupted` and applies nothing.
     */
    async applyRun(input: { runId: string }): Promise<{ outputs: number }> {
      if (!(await claimApply(deps.db, input.runId))) {
        throw ApplicationFailure.nonRetryable(
          'the apply was interrupted (its worker was lost) and is never repeated: check the state versions and start a new run',
          'ApplyInterrupted',
        );
      }
      return withPhase(input.runId, 'apply', async (w, sink, bin, { run }) => {
        sink.write(`Strata: applying the saved plan of run ${run.id} with ${bin}`);
        await pipeline(await deps.storage.get(planKey(run.id)), createWriteStream(join(w.dir, 'plan.bin')));
        if (await deps.storage.stat(lockFileKey(run.id))) {
          await pipeline(await deps.storage.get(lockFileKey(run.id)), createWriteStream(join(w.dir, '.terraform.lock.hcl')));
        }
        await engine(w, sink, bin, ['init', '-no-color', '-input=false']);
        await engine(w, sink, bin, ['apply', '-no-color', '-input=false', '-lock=false', 'plan.bin']);
        const outputs = maskOutputs(await captureEngine({ bin, args: ['output', '-json', '-no-color'], cwd: w.dir, env: w.env }));
        await updateRun(deps.db, run.id, { outputs });
        return { outputs: Object.keys(outputs).length };
      });
    },

    async setRunStatus(input: { runId: string; status: RunStatus; error?: string | null }): Promise<void> {
      await updateRun(deps.db, input.runId, { status: input.status, ...(input.error !== undefined ? { error: input.error } : {}) });
    },

    async recordRunDecision(input: { runId: string; userId: string; userLabel: string; decision: 'approve' | 'discard'; comment: string | null }): Promise<number> {
      await recordApproval(deps.db, { run_id: input.runId, user_id: input.userId, user_label: input.userLabel, decision: input.decision, comment: input.comment });
      return (await listApprovals(deps.db, input.runId)).filter((a) => a.decision === 'approve').length;
    },

    /**
     * Ends the run: its final status and reason, the state lock released if the run holds it, its tokens revoked.
     * Safe to repeat.
     */
    async finishRun(input: { runId: string; status: RunStatus; error?: string | null }): Promise<void> {
      const run = await findRun(deps.db, input.runId);
      if (!run) return;
      await deps.db.transaction(async (tx) => {
        await updateRun(tx, run.id, { status: input.status, error: input.error ?? null });
        const lock = await findStateLock(tx, run.workspace_id);
        if (lock?.run_id === run.id) await unlockState(tx, run.workspace_id, lock.lock_id);
        await tx('api_tokens').where({ run_id: run.id }).whereNull('revoked_at').update({ revoked_at: tx.fn.now() });
      });
    },

    /**
     * The refresh-only plan run a drift check makes, on the workspace's latest configuration (or its module source).
     * Null when there is nothing to check: no configuration yet. Idempotent per workflow run: a retry after the
     * insert finds the run it made.
     */
    async createDriftRun(input: { workspaceId: string }): Promise<{ runId: string; orgName: string; workspaceName: string } | null> {
      const ws = await findWorkspaceById(deps.db, input.workspaceId);
      if (!ws) return null;
      const org = await findOrgById(deps.db, ws.org_id);
      const key = `drift:${Context.current().info.workflowExecution?.runId ?? 'now'}`;
      const existing = (await deps.db('runs').where({ workspace_id: ws.id, trigger: 'drift', created_by_label: key }).first('id')) as { id: string } | undefined;
      if (existing) return { runId: existing.id, orgName: org!.name, workspaceName: ws.name };
      const latest = (await deps.db('configuration_versions').where({ workspace_id: ws.id }).orderBy('created_at', 'desc').first('id')) as { id: string } | undefined;
      if (!latest && ws.source.kind !== 'module') return null;
      const run = await insertRun(deps.db, {
        workspace_id: ws.id,
        org_id: ws.org_id,
        operation: 'plan',
        refresh_only: true,
        configuration_id: latest?.id ?? null,
        trigger: 'drift',
        created_by: null,
        created_by_label: key,
      });
      return { runId: run.id, orgName: org!.name, workspaceName: ws.name };
    },

    /** Raises a run notification (delivery is the notification system's). */
    async raiseRunEvent(input: { runId: string; type: 'run.awaiting_approval' | 'run.applied' | 'run.errored' | 'run.drift_detected'; reminder?: number }): Promise<void> {
      const { run, ws } = await load(input.runId);
      const org = await findOrgById(deps.db, ws.org_id);
      const words = { 'run.awaiting_approval': 'is waiting for approval', 'run.applied': 'was applied', 'run.errored': 'failed', 'run.drift_detected': 'found drift' }[input.type];
      const policy = await approvalPolicyFor(deps.db, ws.org_id, ws.environment);
      const approverUserIds = input.type === 'run.awaiting_approval' ? await approversOf(deps.db, ws.org_id, policy) : [];
      // The dedupe key makes a retried activity raise the event once; each reminder is an event of its own.
      const dedupeKey = `${input.type}:${run.id}${input.reminder ? `:reminder:${input.reminder}` : ''}`;
      const { eventId } = await deps.db.transaction((tx) => emitNotification(tx, {
        dedupeKey,
        type: input.type,
        orgId: ws.org_id,
        subject: `${input.reminder ? 'Reminder: ' : ''}run on ${org?.name ?? ''}/${ws.name} ${words}`,
        link: `/runs/${run.id}`,
        payload: {
          runId: run.id,
          workspace: ws.name,
          organization: org?.name,
          operation: run.operation,
          plan: run.plan,
          error: run.error,
          reminder: input.reminder ?? 0,
          ...(input.type === 'run.awaiting_approval' ? { approverRole: policy.approverRole, approverUserIds } : {}),
          ...(input.type === 'run.drift_detected' ? { drift: ws.drift } : {}),
        },
      }));
      const ctx = Context.current();
      await dispatchNotifications({ temporal: ctx.client, db: deps.db, taskQueue: ctx.info.taskQueue }, [eventId]);
    },
  };
}

async function recordDrift(db: Db, workspaceId: string, drift: { address: string; actions: string[] }[], changes: { address: string; actions: string[] }[]): Promise<void> {
  const resources = drift.length ? drift : changes;
  await updateWorkspace(db, workspaceId, {
    drift_status: resources.length ? 'drifted' : 'in_sync',
    drift_checked_at: new Date(),
    drift: { resources },
  });
}

export type RunActivities = ReturnType<typeof createRunActivities>;
