import Router from '@koa/router';
import type { Context } from 'koa';
import { actorOf, principalId } from '../../../core/auth/principal';
import { isUniqueViolation } from '../../../core/db/knex';
import type { OrgRow } from '../../../core/db/repos/organizations';
import { listRuns } from '../../../core/db/repos/runs';
import { findCloudCredential } from '../../../core/db/repos/cloud-credentials';
import { findStateLock } from '../../../core/db/repos/state-locks';
import { bindWorkspaceCredential, listWorkspaceCredentialIds } from '../../../core/db/repos/workspace-credentials';
import { deleteWorkspace, insertWorkspace, listVariables, listWorkspaces, updateWorkspace, type WorkspaceRow } from '../../../core/db/repos/workspaces';
import { Conflict, Invalid, NotFound } from '../../../core/errors';
import { approvalPolicies, approvalPolicyFor, saveApprovalPolicy } from '../../../core/runs/approval-policy';
import { findConfiguration, latestConfiguration, storeConfiguration } from '../../../core/runs/configurations';
import { checkRequiredTags, writeVariables } from '../../../core/runs/workspace-settings';
import { extractLimits } from '../../../core/runtime';
import { syncDriftSchedule } from '../../../temporal/schedules';
import { runWorkflowId } from '../../../workflows/runs/definitions';
import type { AppDeps, AppState } from '../../deps';
import { audit, authorize } from '../../authz';
import { readJson } from '../../body';
import { stageArchiveBody } from '../../uploads/stage-body';
import { vcsRuntimeFor } from '../vcs/runtime';
import { visibleOrg } from '../orgs/lookup';
import { orgParams } from '../orgs/schemas';
import { workspaceFor } from './lookup';
import { presentWorkspace, presentWorkspaceDetail } from './present';
import { runView } from '../runs/run-view';
import { queueRun } from './run-queue';
import { createRunInput, createWorkspaceInput, credentialBindingInput, patchWorkspaceInput, policyInput, variablesInput, workspaceParams } from './schemas';

type Ctx = Context & { state: AppState };

/**
 * Workspaces of an organisation: settings, variables (sensitive ones sealed and never shown again), configuration
 * versions and the runs queued on them; and the organisation's run policy. Readers look; publishers upload
 * configurations and queue runs; admins create, change and delete workspaces and set the policy.
 */
export function workspacesRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/orgs/:org' });
  const secrets = async () => (await vcsRuntimeFor(deps.config)).secrets;
  const params = (ctx: Ctx) => workspaceParams.parse(ctx.params);
  const orgWithTags = async (org: OrgRow) => (await deps.db('organizations').where({ id: org.id }).first('required_workspace_tags')) as { required_workspace_tags: string[] };

  /** The workspace's drift schedule follows its setting (a Temporal schedule per workspace). */
  const syncDrift = (ws: WorkspaceRow, org: OrgRow) =>
    syncDriftSchedule(deps.temporal, { taskQueue: deps.config.temporal.taskQueue, workspaceId: ws.id, orgName: org.name, workspaceName: ws.name, intervalMinutes: ws.drift_interval_minutes });
  const boundCredentials = async (workspaceId: string) => {
    const ids = await listWorkspaceCredentialIds(deps.db, workspaceId);
    const rows = await Promise.all(ids.map((id) => findCloudCredential(deps.db, id)));
    return rows.filter((r) => r && !r.deleted_at).map((r) => ({ id: r!.id, name: r!.name, kind: r!.kind, status: r!.status }));
  };
  const present = async (ws: WorkspaceRow, _org: OrgRow) => {
    const [lock, latest] = await Promise.all([findStateLock(deps.db, ws.id), listRuns(deps.db, ws.id, 1)]);
    return { locked: Boolean(lock), latestRun: latest[0] ?? null };
  };

  router.get('/workspaces', async (ctx: Ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'workspace.read', { orgId: org.id });
    const rows = await listWorkspaces(deps.db, org.id);
    ctx.body = { items: await Promise.all(rows.map(async (ws) => presentWorkspace(ws, org, await present(ws, org)))) };
  });

  router.post('/workspaces', async (ctx: Ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'workspace.manage', { orgId: org.id });
    const input = createWorkspaceInput.parse(await readJson(ctx));
    checkRequiredTags({ ...org, ...(await orgWithTags(org)) }, input.tags);
    const policy = await approvalPolicyFor(deps.db, org.id, input.environment);
    if (input.autoApply && !policy.autoApplyAllowed) throw new Invalid(`auto-apply is not allowed in ${input.environment} by the organisation's policy`, 'auto_apply_not_allowed');
    const box = await secrets();
    const ws = await deps.db
      .transaction(async (tx) => {
        const row = await insertWorkspace(tx, {
          org_id: org.id,
          name: input.name,
          engine: input.engine,
          engine_version: input.engineVersion ?? null,
          source: input.source,
          environment: input.environment,
          auto_apply: input.autoApply,
          tags: input.tags,
          drift_interval_minutes: input.driftIntervalMinutes ?? null,
          created_by: principalId(ctx.state.identity.principal),
        });
        await writeVariables(tx, box, row.id, input.variables);
        await audit(ctx, tx, { orgId: org.id, action: 'workspace.create', target: `${org.name}/${row.name}`, result: 'success', details: { engine: row.engine, environment: row.environment } });
        return row;
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) throw new Conflict(`a workspace named ${input.name} exists already in ${org.name}`, 'workspace_exists');
        throw err;
      });
    await syncDrift(ws, org);
    ctx.status = 201;
    ctx.body = { id: ws.id, name: ws.name };
  });

  router.get('/workspaces/:ws', async (ctx: Ctx) => {
    const p = params(ctx);
    const { org, ws } = await workspaceFor(deps.db, ctx, p.org, p.ws, 'workspace.read');
    ctx.body = presentWorkspaceDetail(ws, org, { ...(await present(ws, org)), variables: await listVariables(deps.db, ws.id), credentials: await boundCredentials(ws.id) });
  });

  router.patch('/workspaces/:ws', async (ctx: Ctx) => {
    const p = params(ctx);
    const { org, ws } = await workspaceFor(deps.db, ctx, p.org, p.ws, 'workspace.manage');
    const input = patchWorkspaceInput.parse(await readJson(ctx));
    if (input.tags) checkRequiredTags({ ...org, ...(await orgWithTags(org)) }, input.tags);
    const environment = input.environment ?? ws.environment;
    const autoApply = input.autoApply ?? ws.auto_apply;
    if (autoApply && !(await approvalPolicyFor(deps.db, org.id, environment)).autoApplyAllowed) {
      throw new Invalid(`auto-apply is not allowed in ${environment} by the organisation's policy`, 'auto_apply_not_allowed');
    }
    await deps.db.transaction(async (tx) => {
      await updateWorkspace(tx, ws.id, {
        ...(input.engine ? { engine: input.engine } : {}),
        ...(input.engineVersion !== undefined ? { engine_version: input.engineVersion } : {}),
        ...(input.source ? { source: input.source } : {}),
        ...(input.environment ? { environment: input.environment } : {}),
        ...(input.autoApply !== undefined ? { auto_apply: input.autoApply } : {}),
        ...(input.tags ? { tags: input.tags } : {}),
        ...(input.driftIntervalMinutes !== undefined ? { drift_interval_minutes: input.driftIntervalMinutes } : {}),
      });
      await audit(ctx, tx, { orgId: org.id, action: 'workspace.update', target: `${org.name}/${ws.name}`, result: 'success', details: { fields: Object.keys(input) } });
    });
    const fresh = (await deps.db<WorkspaceRow>('workspaces').where({ id: ws.id }).first())!;
    if (input.driftIntervalMinutes !== undefined) await syncDrift(fresh, org);
    ctx.body = presentWorkspaceDetail(fresh, org, { ...(await present(fresh, org)), variables: await listVariables(deps.db, ws.id), credentials: await boundCredentials(ws.id) });
  });

  router.delete('/workspaces/:ws', async (ctx: Ctx) => {
    const p = params(ctx);
    const { org, ws } = await workspaceFor(deps.db, ctx, p.org, p.ws, 'workspace.manage');
    await deps.db.transaction(async (tx) => {
      const active = await tx('runs').where({ workspace_id: ws.id }).whereNotIn('status', ['applied', 'planned_no_changes', 'planned', 'discarded', 'canceled', 'errored']).first('id');
      if (active) throw new Conflict('the workspace has a run in progress: cancel or finish it first', 'workspace_busy');
      if (await tx('state_locks').where({ workspace_id: ws.id }).first()) throw new Conflict('the workspace state is locked', 'state_locked');
      await deleteWorkspace(tx, ws.id);
      await audit(ctx, tx, { orgId: org.id, action: 'workspace.delete', target: `${org.name}/${ws.name}`, result: 'success' });
    });
    await syncDrift({ ...ws, drift_interval_minutes: null }, org);
    ctx.status = 204;
  });

  router.put('/workspaces/:ws/variables', async (ctx: Ctx) => {
    const p = params(ctx);
    const { org, ws } = await workspaceFor(deps.db, ctx, p.org, p.ws, 'workspace.manage');
    const input = variablesInput.parse(await readJson(ctx));
    const box = await secrets();
    await deps.db.transaction(async (tx) => {
      await writeVariables(tx, box, ws.id, input);
      await audit(ctx, tx, { orgId: org.id, action: 'workspace.variables', target: `${org.name}/${ws.name}`, result: 'success', details: { keys: input.map((v) => `${v.category}:${v.key}`) } });
    });
    const variables = await listVariables(deps.db, ws.id);
    ctx.body = { items: variables.map((v) => ({ key: v.key, category: v.category, value: v.sensitive ? null : v.value, sensitive: v.sensitive, hcl: v.hcl })) };
  });

  router.put('/workspaces/:ws/credentials', async (ctx: Ctx) => {
    const p = params(ctx);
    const { org, ws } = await workspaceFor(deps.db, ctx, p.org, p.ws, 'workspace.manage');
    const input = credentialBindingInput.parse(await readJson(ctx));
    await deps.db.transaction(async (tx) => {
      for (const id of input.credentialIds) {
        const credential = await findCloudCredential(tx, id);
        // Another organisation's credential is answered like one that does not exist.
        if (!credential || credential.org_id !== org.id || credential.deleted_at) throw new NotFound(`no cloud credential ${id} in ${org.name}`, 'credential_not_found');
      }
      await tx('workspace_credentials').where({ workspace_id: ws.id }).delete();
      for (const id of input.credentialIds) await bindWorkspaceCredential(tx, ws.id, id);
      await audit(ctx, tx, { orgId: org.id, action: 'workspace.credentials', target: `${org.name}/${ws.name}`, result: 'success', details: { credentialIds: input.credentialIds } });
    });
    ctx.body = { items: await boundCredentials(ws.id) };
  });

  router.post('/workspaces/:ws/configurations', async (ctx: Ctx) => {
    const p = params(ctx);
    const { org, ws } = await workspaceFor(deps.db, ctx, p.org, p.ws, 'workspace.run');
    const staged = await stageArchiveBody(ctx, deps.storage, deps.config.runs.maxConfigurationBytes);
    if (staged.format !== 'tar.gz') {
      await deps.storage.delete(staged.key);
      throw new Invalid('a configuration is a gzip-compressed tar archive', 'unsupported_archive');
    }
    const row = await storeConfiguration({ db: deps.db, storage: deps.storage, limits: extractLimits(deps.config) }, {
      workspaceId: ws.id,
      stagedKey: staged.key,
      createdBy: principalId(ctx.state.identity.principal),
    });
    await deps.db.transaction((tx) => audit(ctx, tx, { orgId: org.id, action: 'workspace.configuration', target: `${org.name}/${ws.name}`, result: 'success', details: { id: row.id, sha256: row.sha256 } }));
    ctx.status = 201;
    ctx.body = { id: row.id, sha256: row.sha256, size: Number(row.size) };
  });

  router.post('/workspaces/:ws/runs', async (ctx: Ctx) => {
    const p = params(ctx);
    const { org, ws } = await workspaceFor(deps.db, ctx, p.org, p.ws, 'workspace.run');
    const input = createRunInput.parse(await readJson(ctx));
    let configurationId: string | null = null;
    if (input.configurationId) {
      if (!(await findConfiguration(deps.db, ws.id, input.configurationId))) throw new NotFound(`no configuration ${input.configurationId} in this workspace`, 'configuration_not_found');
      configurationId = input.configurationId;
    } else if (ws.source.kind === 'upload') {
      const latest = await latestConfiguration(deps.db, ws.id);
      if (!latest) throw new Invalid('upload a configuration to the workspace first (POST …/configurations)', 'configuration_missing');
      configurationId = latest.id;
    } else if (ws.source.kind === 'vcs') {
      throw new Invalid('runs from a VCS source are started by uploading the checked-out directory (strata run --dir) for now', 'vcs_source_unsupported');
    }
    const principal = ctx.state.identity.principal;
    const run = await queueRun(
      { db: deps.db, temporal: deps.temporal, taskQueue: deps.config.temporal.taskQueue },
      {
        org,
        ws,
        run: {
          workspace_id: ws.id,
          org_id: org.id,
          operation: input.operation,
          refresh_only: input.refreshOnly ?? false,
          configuration_id: configurationId,
          trigger: ctx.get('x-strata-client') === 'cli' ? 'cli' : ctx.get('x-strata-client') === 'web' ? 'ui' : 'api',
          created_by: principalId(principal),
          created_by_label: actorOf(principal).actorLabel,
        },
        beforeQueue: (tx, r) => audit(ctx, tx, { orgId: org.id, action: 'run.create', target: `${org.name}/${ws.name}`, result: 'success', details: { runId: r.id, operation: r.operation } }),
      },
    );
    ctx.status = 202;
    ctx.body = { id: run.id, workflowId: runWorkflowId(run.id, ws.engine), statusUrl: `${deps.config.publicUrl}/api/v1/runs/${run.id}` };
  });

  router.get('/workspaces/:ws/runs', async (ctx: Ctx) => {
    const p = params(ctx);
    const { org, ws } = await workspaceFor(deps.db, ctx, p.org, p.ws, 'workspace.read');
    const runs = await listRuns(deps.db, ws.id);
    ctx.body = { items: await Promise.all(runs.map((r) => runView(deps, ctx, r, ws, org))) };
  });

  router.get('/run-policy', async (ctx: Ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'workspace.read', { orgId: org.id });
    ctx.body = { requiredTags: (await orgWithTags(org)).required_workspace_tags, environments: await approvalPolicies(deps.db, org.id) };
  });

  router.put('/run-policy', async (ctx: Ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'workspace.manage', { orgId: org.id });
    const input = policyInput.parse(await readJson(ctx));
    await deps.db.transaction(async (tx) => {
      if (input.requiredTags) await tx('organizations').where({ id: org.id }).update({ required_workspace_tags: input.requiredTags });
      for (const p of input.environments ?? []) await saveApprovalPolicy(tx, org.id, p);
      await audit(ctx, tx, { orgId: org.id, action: 'run_policy.update', target: org.name, result: 'success', details: input });
    });
    ctx.body = { requiredTags: (await orgWithTags(org)).required_workspace_tags, environments: await approvalPolicies(deps.db, org.id) };
  });

  return router;
}
