import Router from '@koa/router';
import type { Context } from 'koa';
import { principalId } from '../../../core/auth/principal';
import { isUniqueViolation } from '../../../core/db/knex';
import type { OrgRow } from '../../../core/db/repos/organizations';
import {
  decideAccessRequest,
  findAccessRequest,
  findPlugin,
  findPluginVersion,
  insertAccessRequest,
  listAccessRequests,
  listPlugins,
  listPluginVersions,
  openAccessRequest,
  setPluginLocked,
  type AccessRequestStatus,
  type PluginRow,
} from '../../../core/db/repos/plugins';
import { Conflict, NotFound, UnsupportedMediaType, versionExists } from '../../../core/errors';
import { dispatchAfterCommit, emitNotification } from '../../../core/notifications/emit';
import { mayUsePlugin } from '../../../core/plugins/access';
import { peekManifest } from '../../../core/plugins/peek-manifest';
import { workflowIds } from '../../../workflows/ids';
import { publishPlugin, type PublishPluginInput } from '../../../workflows/plugins/publish-plugin';
import { audit, authorize, requireSignedIn, requireUser } from '../../authz';
import { readJson } from '../../body';
import type { AppDeps, AppState } from '../../deps';
import { enforceRateLimit } from '../../rate-limit';
import { stageArchiveBody } from '../../uploads/stage-body';
import { startPublish } from '../../workflows/publish-endpoint';
import { waitQuery } from '../modules/schemas';
import { visibleOrg } from '../orgs/lookup';
import { orgParams } from '../orgs/schemas';
import { presentAccessRequest, presentPluginDetail, presentPluginSummary, presentPluginVersion } from './present';
import { accessRequestInput, accessRequestParams, pluginListQuery, pluginParams, pluginVersionParams } from './schemas';

type Ctx = Context & { state: AppState };

/** Which transitions each decision makes: approve and reject a pending request; revoke an approved one. */
const DECISIONS: Record<'approve' | 'reject' | 'revoke', { from: AccessRequestStatus[]; to: AccessRequestStatus }> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  revoke: { from: ['approved'], to: 'revoked' },
};

/**
 * An organisation's Pulumi plugin catalogue: publish a version (a ZIP through the `plugin-publish` workflow), list
 * and search, detail per version with its input schema, lock and unlock (admins), and access requests for locked
 * plugins (members ask, admins decide; both sides are notified). Another organisation's plugins are answered as
 * missing.
 */
export function pluginsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/orgs/:org/plugins' });

  const orgFor = async (ctx: Ctx, action: 'plugin.read' | 'plugin.publish' | 'plugin.manage'): Promise<OrgRow> => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, action, { orgId: org.id });
    return org;
  };
  const pluginOf = async (org: OrgRow, name: string): Promise<PluginRow> => {
    const plugin = await findPlugin(deps.db, org.id, name);
    if (!plugin) throw new NotFound(`no plugin ${name} in ${org.name}`, 'plugin_not_found');
    return plugin;
  };

  /** The upload: the ZIP is the body; its manifest names the plugin and version (and must match `name` if given). */
  const publish = async (ctx: Ctx, name?: string) => {
    const org = await orgFor(ctx, 'plugin.publish');
    const type = (ctx.get('content-type') || '').split(';')[0]!.trim().toLowerCase();
    if (type && type !== 'application/zip' && type !== 'application/octet-stream') {
      throw new UnsupportedMediaType(`Content-Type ${type} is not a plugin ZIP: send application/zip`);
    }
    const { wait } = waitQuery.parse(ctx.query);
    await enforceRateLimit(deps.db, 'upload', principalId(ctx.state.identity.principal)!, deps.config.rateLimits.upload, 'uploads');
    const staged = await stageArchiveBody(ctx, deps.storage, deps.config.limits.maxModuleUploadBytes);
    let input: PublishPluginInput;
    try {
      if (staged.format !== 'zip') throw new UnsupportedMediaType('a plugin is uploaded as a ZIP archive (application/zip), not a tar.gz');
      const manifest = await peekManifest(deps.storage, staged.key, name);
      const existing = await findPlugin(deps.db, org.id, manifest.name);
      if (existing && (await findPluginVersion(deps.db, existing.id, manifest.version))) throw versionExists(`plugin ${manifest.name}`, manifest.version);
      const principal = requireSignedIn(ctx);
      input = {
        orgId: org.id,
        org: org.name,
        name: manifest.name,
        version: manifest.version,
        stagingKey: staged.key,
        publishedBy: principalId(principal),
        actor: principal.kind === 'user' ? { type: 'user', label: principal.user.email } : { type: 'token', label: principal.kind === 'service' ? principal.tokenName : null },
      };
    } catch (err) {
      await deps.storage.delete(staged.key);
      throw err;
    }
    await startPublish(ctx, deps, publishPlugin, {
      workflowId: workflowIds.pluginPublish(org.name, input.name, input.version),
      input,
      kind: 'plugin-publish',
      artifact: `${org.name}/${input.name}`,
      version: input.version,
      wait,
      stagedKeys: [staged.key],
      orgId: org.id,
    });
  };

  router.get('/', async (ctx) => {
    const org = await orgFor(ctx, 'plugin.read');
    const { q } = pluginListQuery.parse(ctx.query);
    ctx.body = { items: (await listPlugins(deps.db, org.id, q || undefined)).map((p) => presentPluginSummary(p, org.name)) };
  });

  router.post('/', (ctx) => publish(ctx));

  router.get('/:name', async (ctx) => {
    const org = await orgFor(ctx, 'plugin.read');
    const plugin = await pluginOf(org, pluginParams.parse(ctx.params).name);
    const principal = ctx.state.identity.principal;
    const userId = principal.kind === 'user' ? principal.user.id : null;
    const [versions, canUse, request] = await Promise.all([
      listPluginVersions(deps.db, plugin.id),
      mayUsePlugin(deps.db, { access: ctx.state.identity.access, userId, plugin }),
      userId ? openAccessRequest(deps.db, plugin.id, userId) : Promise.resolve(undefined),
    ]);
    ctx.body = presentPluginDetail(plugin, org.name, versions, { canUse, request });
  });

  router.post('/:name/versions', async (ctx) => {
    await publish(ctx, pluginParams.parse(ctx.params).name);
  });

  router.get('/:name/versions/:version', async (ctx) => {
    const org = await orgFor(ctx, 'plugin.read');
    const params = pluginVersionParams.parse(ctx.params);
    const plugin = await pluginOf(org, params.name);
    const version = await findPluginVersion(deps.db, plugin.id, params.version);
    if (!version) throw new NotFound(`plugin ${plugin.name} has no version ${params.version}`, 'plugin_version_not_found');
    ctx.body = presentPluginVersion(plugin, org.name, version);
  });

  for (const [path, locked] of [['lock', true], ['unlock', false]] as const) {
    router.post(`/:name/${path}`, async (ctx) => {
      const org = await orgFor(ctx, 'plugin.manage');
      const plugin = await pluginOf(org, pluginParams.parse(ctx.params).name);
      await deps.db.transaction(async (tx) => {
        await setPluginLocked(tx, plugin.id, locked);
        await audit(ctx, tx, { orgId: org.id, action: `plugin.${path}`, target: plugin.name, result: 'success' });
      });
      const versions = await listPluginVersions(deps.db, plugin.id);
      ctx.body = presentPluginDetail({ ...plugin, locked }, org.name, versions, { canUse: true, request: undefined });
    });
  }

  // A member asks for access to a locked plugin; asking again while a request is open answers that request (200).
  router.post('/:name/access-requests', async (ctx) => {
    const org = await orgFor(ctx, 'plugin.read');
    const body = accessRequestInput.parse(await readJson(ctx));
    const user = requireUser(ctx).user;
    const plugin = await pluginOf(org, pluginParams.parse(ctx.params).name);
    if (!plugin.locked) throw new Conflict(`plugin ${plugin.name} is not locked: its organisation's publishers may use it without asking`, 'plugin_not_locked');
    const open = await openAccessRequest(deps.db, plugin.id, user.id);
    if (open) {
      ctx.body = presentAccessRequest(open, plugin.name);
      return;
    }
    let created;
    try {
      created = await deps.db.transaction(async (tx) => {
        const row = await insertAccessRequest(tx, { plugin_id: plugin.id, user_id: user.id, reason: body.reason || null });
        await audit(ctx, tx, { orgId: org.id, action: 'plugin.access_request', target: plugin.name, result: 'success', details: { requestId: row.id } });
        const { eventId } = await emitNotification(tx, {
          type: 'plugin.access_requested',
          orgId: org.id,
          subject: `${user.email} asks for access to plugin ${plugin.name}`,
          link: `/orgs/${encodeURIComponent(org.name)}/plugins/${encodeURIComponent(plugin.name)}`,
          payload: { plugin: plugin.name, requester: user.email, requestId: row.id, ...(row.reason ? { reason: row.reason } : {}) },
          dedupeKey: `plugin.access_requested:${row.id}`,
        });
        return { row, eventId };
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const raced = await openAccessRequest(deps.db, plugin.id, user.id);
      if (!raced) throw err;
      ctx.body = presentAccessRequest(raced, plugin.name);
      return;
    }
    await dispatchAfterCommit(deps, ctx.state.log, [created.eventId]);
    ctx.status = 201;
    ctx.body = presentAccessRequest(created.row, plugin.name);
  });

  router.get('/:name/access-requests', async (ctx) => {
    const org = await orgFor(ctx, 'plugin.manage');
    const plugin = await pluginOf(org, pluginParams.parse(ctx.params).name);
    ctx.body = { items: (await listAccessRequests(deps.db, plugin.id)).map((r) => presentAccessRequest(r, plugin.name)) };
  });

  for (const decision of ['approve', 'reject', 'revoke'] as const) {
    router.post(`/:name/access-requests/:id/${decision}`, async (ctx) => {
      const org = await orgFor(ctx, 'plugin.manage');
      const params = accessRequestParams.parse(ctx.params);
      const plugin = await pluginOf(org, params.name);
      const request = await findAccessRequest(deps.db, plugin.id, params.id);
      if (!request) throw new NotFound(`plugin ${plugin.name} has no access request ${params.id}`, 'access_request_not_found');
      const rule = DECISIONS[decision];
      const decidedBy = principalId(ctx.state.identity.principal);
      const outcome = await deps.db.transaction(async (tx) => {
        const row = await decideAccessRequest(tx, request.id, { ...rule, decidedBy: ctx.state.identity.principal.kind === 'user' ? decidedBy : null });
        if (!row) return null;
        await audit(ctx, tx, { orgId: org.id, action: `plugin.access_${decision}`, target: plugin.name, result: 'success', details: { requestId: row.id, userId: row.user_id } });
        const { eventId } = await emitNotification(tx, {
          type: 'plugin.access_decided',
          orgId: org.id,
          userId: row.user_id,
          subject: `Your access to plugin ${plugin.name} was ${row.status}`,
          link: `/orgs/${encodeURIComponent(org.name)}/plugins/${encodeURIComponent(plugin.name)}`,
          payload: { plugin: plugin.name, status: row.status, requestId: row.id },
          dedupeKey: `plugin.access_decided:${row.id}:${row.status}`,
        });
        return { row, eventId };
      });
      if (!outcome) {
        throw new Conflict(`the access request is ${request.status}: only ${rule.from.join(' or ')} requests can be ${rule.to}`, 'access_request_decided');
      }
      await dispatchAfterCommit(deps, ctx.state.log, [outcome.eventId]);
      ctx.body = presentAccessRequest(outcome.row, plugin.name);
    });
  }

  return router;
}
