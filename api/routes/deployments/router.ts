import Router from '@koa/router';
import type { Context } from 'koa';
import { actorOf, principalId } from '../../../core/auth/principal';
import { isUniqueViolation } from '../../../core/db/knex';
import { findCloudCredential } from '../../../core/db/repos/cloud-credentials';
import { findOrgById, type OrgRow } from '../../../core/db/repos/organizations';
import { listRuns } from '../../../core/db/repos/runs';
import { bindWorkspaceCredential } from '../../../core/db/repos/workspace-credentials';
import { insertWorkspace, type WorkspaceRow } from '../../../core/db/repos/workspaces';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../core/errors';
import { mayUsePlugin } from '../../../core/plugins/access';
import { loadPluginVersion, validateInputs } from '../../../core/plugins/load';
import { approvalPolicyFor } from '../../../core/runs/approval-policy';
import { checkRequiredTags } from '../../../core/runs/workspace-settings';
import { runWorkflowId } from '../../../workflows/runs/definitions';
import type { AppDeps, AppState } from '../../deps';
import { audit, authorize } from '../../authz';
import { readJson } from '../../body';
import { visibleOrg } from '../orgs/lookup';
import { orgParams } from '../orgs/schemas';
import { queueRun } from '../workspaces/run-queue';
import { createDeploymentInput, deploymentFilters, deploymentParams, DEPLOYMENT_TAGS } from './schemas';
import type { Deployment } from './shapes';

type Ctx = Context & { state: AppState };

async function presentDeployment(deps: Pick<AppDeps, 'db'>, ws: WorkspaceRow, org: OrgRow): Promise<Deployment> {
  const [latest] = await listRuns(deps.db, ws.id, 1);
  const source = ws.source.kind === 'plugin' ? ws.source : { plugin: '', version: '' };
  return {
    id: ws.id,
    stack: ws.name,
    organization: org.name,
    plugin: source.plugin,
    version: source.version,
    environment: ws.environment,
    inputs: ws.inputs ?? {},
    tags: ws.tags,
    status: !latest ? 'new' : latest.status === 'applied' ? (latest.operation === 'destroy' ? 'destroyed' : 'deployed') : latest.status === 'errored' ? 'failed' : latest.status,
    latestRun: latest ? { id: latest.id, status: latest.status, operation: latest.operation, createdAt: latest.created_at.toISOString() } : null,
    createdAt: ws.created_at.toISOString(),
  };
}

/**
 * Plugin deployments: a plugin version provisioned as a Pulumi stack into an environment. A deployment is a workspace
 * of engine `pulumi` (named after its stack), so its runs, approvals, logs, cancel, destroy, refresh and retries are
 * the runs API's (`POST …/workspaces/{stack}/runs`). Who may deploy a plugin: `mayUsePlugin` (locked ones need an
 * approved access request).
 */
export function deploymentsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/orgs/:org/deployments' });

  const present = (ws: WorkspaceRow, org: OrgRow) => presentDeployment(deps, ws, org);

  router.get('/', async (ctx: Ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'workspace.read', { orgId: org.id });
    const f = deploymentFilters.parse(ctx.query);
    const q = deps.db<WorkspaceRow>('workspaces').where({ org_id: org.id, engine: 'pulumi' }).orderBy('name');
    if (f.environment) q.andWhere({ environment: f.environment });
    if (f.plugin) q.andWhereRaw("source->>'plugin' = ?", [f.plugin]);
    if (f.tag) {
      const [key, ...rest] = f.tag.split('=');
      q.andWhereRaw('tags->>? = ?', [key!, rest.join('=')]);
    }
    const items = await Promise.all((await q).map((ws) => present(ws, org)));
    ctx.body = { items: f.status ? items.filter((d) => d.status === f.status) : items };
  });

  router.post('/', async (ctx: Ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'workspace.run', { orgId: org.id });
    const input = createDeploymentInput.parse(await readJson(ctx));
    const version = await loadPluginVersion(deps.db, org.id, input.plugin, input.version);
    const principal = ctx.state.identity.principal;
    const userId = principal.kind === 'user' ? principal.user.id : null;
    if (!(await mayUsePlugin(deps.db, { access: ctx.state.identity.access, userId, plugin: { id: version.pluginId, org_id: org.id, locked: version.locked } }))) {
      await deps.db.transaction((tx) => audit(ctx, tx, { orgId: org.id, action: 'deployment.create', target: `${input.plugin}@${input.version}`, result: 'denied' }));
      throw new Forbidden(`the plugin ${input.plugin} is locked: request access from the organisation's admins`, 'plugin_locked');
    }
    const inputs = validateInputs(version.inputs, input.inputs);
    const required = (await deps.db('organizations').where({ id: org.id }).first('required_workspace_tags')) as { required_workspace_tags: string[] };
    checkRequiredTags({ ...org, required_workspace_tags: required.required_workspace_tags.length ? required.required_workspace_tags : DEPLOYMENT_TAGS }, input.tags);
    if (input.autoApply && !(await approvalPolicyFor(deps.db, org.id, input.environment)).autoApplyAllowed) {
      throw new Invalid(`auto-apply is not allowed in ${input.environment} by the organisation's policy`, 'auto_apply_not_allowed');
    }
    for (const id of input.credentialIds) {
      const credential = await findCloudCredential(deps.db, id);
      if (!credential || credential.org_id !== org.id || credential.deleted_at) throw new NotFound(`no cloud credential ${id} in ${org.name}`, 'credential_not_found');
    }
    let ws: WorkspaceRow;
    try {
      ws = await deps.db.transaction(async (tx) => {
        const row = await insertWorkspace(tx, {
          org_id: org.id,
          name: input.stack,
          engine: 'pulumi',
          engine_version: null,
          source: { kind: 'plugin', plugin: input.plugin, version: input.version },
          environment: input.environment,
          auto_apply: input.autoApply,
          tags: input.tags,
          drift_interval_minutes: null,
          created_by: principalId(principal),
        });
        await tx('workspaces').where({ id: row.id }).update({ plugin_version_id: version.id, inputs: JSON.stringify(inputs) });
        for (const id of input.credentialIds) await bindWorkspaceCredential(tx, row.id, id);
        await audit(ctx, tx, { orgId: org.id, action: 'deployment.create', target: `${org.name}/${row.name}`, result: 'success', details: { plugin: input.plugin, version: input.version, environment: input.environment } });
        return { ...row, plugin_version_id: version.id, inputs };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`a stack or workspace named ${input.stack} exists already in ${org.name}`, 'workspace_exists');
      throw err;
    }
    const run = await queueRun(
      { db: deps.db, temporal: deps.temporal, taskQueue: deps.config.temporal.taskQueue },
      {
        org,
        ws,
        run: {
          workspace_id: ws.id,
          org_id: org.id,
          operation: 'apply',
          refresh_only: false,
          configuration_id: null,
          trigger: ctx.get('x-strata-client') === 'web' ? 'ui' : 'api',
          created_by: principalId(principal),
          created_by_label: actorOf(principal).actorLabel,
        },
      },
    );
    ctx.status = 202;
    ctx.body = { id: ws.id, stack: ws.name, runId: run.id, workflowId: runWorkflowId(run.id, 'pulumi'), statusUrl: `${deps.config.publicUrl}/api/v1/runs/${run.id}` };
  });

  return router;
}

/** `GET /api/v1/deployments/{id}`: one deployment, for whoever may read its organisation's workspaces. */
export function deploymentRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/api/v1/deployments/:id', async (ctx: Ctx) => {
    const { id } = deploymentParams.parse(ctx.params);
    const ws = await deps.db<WorkspaceRow>('workspaces').where({ id, engine: 'pulumi' }).first();
    if (!ws) throw new NotFound(`no deployment ${id}`, 'deployment_not_found');
    authorize(ctx, 'workspace.read', { orgId: ws.org_id }, `no deployment ${id}`);
    const org = (await findOrgById(deps.db, ws.org_id))!;
    ctx.body = await presentDeployment(deps, ws, org);
  });
  return router;
}
