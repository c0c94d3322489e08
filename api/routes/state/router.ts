import { createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Action } from '../../../core/auth/policy';
import { actorOf, principalId } from '../../../core/auth/principal';
import { listStateVersions } from '../../../core/db/repos/state-versions';
import { Invalid, NotFound, UnsupportedMediaType } from '../../../core/errors';
import {
  currentStateLock,
  diffStateVersions,
  lockState,
  readCurrentState,
  readStateVersion,
  restoreStateVersion,
  storeState,
  unlockStateLock,
  type StateDeps,
  type StateWriter,
} from '../../../core/state/state-service';
import type { AppDeps, AppState } from '../../deps';
import { audit } from '../../authz';
import { readJson, readRaw } from '../../body';
import { workspaceFor } from '../workspaces/lookup';
import { presentStateLock, presentStateVersion } from './present';
import { workspaceParams } from '../workspaces/schemas';
import { lockInfoInput, stateDiffQuery, stateVersionListQuery, stateVersionParams, storeStateQuery, unlockInput, unlockQuery } from './schemas';
import { stateSecretsFor } from './secrets';

type Ctx = Context & { state: AppState };

/** A state file in an answer: its exact bytes, never cached (it may hold secrets). */
function sendState(ctx: Ctx, json: string): void {
  ctx.type = 'application/json';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = Buffer.from(json, 'utf8');
}

/**
 * A workspace's state as the Terraform/OpenTofu http backend reads and writes it, and its kept versions:
 * `backend "http" { address = ".../state", lock_address = ".../state/lock", unlock_address = ".../state/lock" }`
 * with an API token as the basic-auth password. Reading or writing state content needs `workspace.run` (a state
 * holds secrets), its versions' metadata and diffs `workspace.read`, force-unlock and rollback `workspace.manage`.
 */
export function stateRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/orgs/:org/workspaces/:ws/state' });
  const stateDeps = async (): Promise<StateDeps> => ({ db: deps.db, secrets: await stateSecretsFor(deps.config) });
  const workspaceOf = (ctx: Ctx, action: Action) => {
    const params = workspaceParams.parse(ctx.params);
    return workspaceFor(deps.db, ctx, params.org, params.ws, action);
  };
  const requesterOf = (ctx: Ctx) => {
    const p = ctx.state.identity.principal;
    return { runId: p.kind === 'run' ? p.runId : null };
  };
  const writerOf = (ctx: Ctx): StateWriter => {
    const p = ctx.state.identity.principal;
    return { runId: p.kind === 'run' ? p.runId : null, userId: principalId(p), label: actorOf(p).actorLabel };
  };

  router.get('/', async (ctx) => {
    const { ws } = await workspaceOf(ctx, 'workspace.run');
    const current = await readCurrentState(await stateDeps(), ws.id);
    if (!current) throw new NotFound('this workspace has no state yet', 'state_not_found');
    sendState(ctx, current.json);
  });

  router.post('/', async (ctx) => {
    const { org, ws } = await workspaceOf(ctx, 'workspace.run');
    const query = storeStateQuery.parse(ctx.query);
    if (!ctx.is('application/json')) throw new UnsupportedMediaType('send the state file with Content-Type: application/json');
    const bytes = await readRaw(ctx, deps.config.limits.maxStateBytes, 'the state');
    // The http backend sends the MD5 of what it meant to send.
    const md5 = ctx.get('content-md5');
    if (md5 && createHash('md5').update(bytes).digest('base64') !== md5) throw new Invalid('the state does not match its Content-MD5', 'state_checksum_mismatch');
    const { version, created } = await storeState(await stateDeps(), { workspaceId: ws.id, bytes, lockId: query.ID ?? null, writer: writerOf(ctx) }, (tx, v) =>
      audit(ctx, tx, {
        orgId: org.id,
        action: 'state.store',
        target: `${org.name}/${ws.name}`,
        result: 'success',
        details: { versionId: v.id, serial: v.serial, lineage: v.lineage, sha256: v.sha256, size: v.size, resources: v.resource_count, lockId: query.ID ?? null },
      }),
    );
    ctx.status = created ? 201 : 200;
    ctx.body = presentStateVersion(version);
  });

  router.get('/lock', async (ctx) => {
    const { ws } = await workspaceOf(ctx, 'workspace.read');
    ctx.body = presentStateLock(await currentStateLock(deps, ws.id));
  });

  /** LOCK (or POST): takes the lock; a competing one gets 423 with the holder's lock info. */
  router.post('/lock', async (ctx) => {
    const { org, ws } = await workspaceOf(ctx, 'workspace.run');
    const info = lockInfoInput.parse(await readJson(ctx));
    await lockState(await stateDeps(), { workspaceId: ws.id, info, requester: requesterOf(ctx) }, async (tx, { taken }) => {
      if (taken) await audit(ctx, tx, { orgId: org.id, action: 'state.lock', target: `${org.name}/${ws.name}`, result: 'success', details: { lock: info } });
    });
    ctx.body = info;
  });

  /**
   * UNLOCK (or DELETE): releases the lock named by the body's `ID` (or `?ID=`). `?force=true` releases whatever
   * holds it, a run's lock included: workspace admins only (`tofu force-unlock` sends the ID, and needs no force).
   */
  router.delete('/lock', async (ctx) => {
    const query = unlockQuery.parse(ctx.query);
    const force = query.force === 'true';
    const { org, ws } = await workspaceOf(ctx, force ? 'workspace.manage' : 'workspace.run');
    const hasBody = Number(ctx.get('content-length') || 0) > 0 || Boolean(ctx.get('transfer-encoding'));
    const body = hasBody ? unlockInput.parse(await readJson(ctx)) : {};
    const lockId = body.ID ?? query.ID ?? null;
    if (!force && lockId === null) throw new Invalid('name the lock to release: its lock info in the body, or ?ID=', 'lock_id_required');
    const sd = await stateDeps();
    await unlockStateLock(sd, { workspaceId: ws.id, lockId, force, requester: requesterOf(ctx) }, (tx, { released }) =>
      audit(ctx, tx, {
        orgId: org.id,
        action: force ? 'state.force_unlock' : 'state.unlock',
        target: `${org.name}/${ws.name}`,
        result: 'success',
        details: { lockId: released.lock_id, lock: released.info, runId: released.run_id },
      }),
    );
    ctx.body = presentStateLock(await currentStateLock(sd, ws.id));
  });

  router.get('/versions', async (ctx) => {
    const { ws } = await workspaceOf(ctx, 'workspace.read');
    const query = stateVersionListQuery.parse(ctx.query);
    const { items, total } = await listStateVersions(deps.db, ws.id, { limit: query.per_page, offset: (query.page - 1) * query.per_page });
    ctx.body = { items: items.map(presentStateVersion), page: query.page, perPage: query.per_page, total };
  });

  router.get('/versions/:id', async (ctx) => {
    const { ws } = await workspaceOf(ctx, 'workspace.run');
    const { id } = stateVersionParams.parse(ctx.params);
    sendState(ctx, (await readStateVersion(await stateDeps(), ws.id, id)).json);
  });

  router.get('/versions/:id/diff', async (ctx) => {
    const { ws } = await workspaceOf(ctx, 'workspace.read');
    const { id } = stateVersionParams.parse(ctx.params);
    const { against } = stateDiffQuery.parse(ctx.query);
    const { from, to, diff } = await diffStateVersions(await stateDeps(), ws.id, id, against);
    ctx.body = { from: presentStateVersion(from), to: presentStateVersion(to), ...diff };
  });

  /** Rollback: a new version with an earlier one's content (serial = current + 1). Refused while locked. */
  router.post('/versions/:id/restore', async (ctx) => {
    const { org, ws } = await workspaceOf(ctx, 'workspace.manage');
    const { id } = stateVersionParams.parse(ctx.params);
    const version = await restoreStateVersion(await stateDeps(), { workspaceId: ws.id, versionId: id, writer: writerOf(ctx) }, (tx, v) =>
      audit(ctx, tx, { orgId: org.id, action: 'state.restore', target: `${org.name}/${ws.name}`, result: 'success', details: { restoredFrom: id, versionId: v.id, serial: v.serial } }),
    );
    ctx.status = 201;
    ctx.body = presentStateVersion(version);
  });

  return router;
}
