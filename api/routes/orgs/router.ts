import Router from '@koa/router';
import { can } from '../../../core/auth/policy';
import { insertNamespace, listOrgNamespaces } from '../../../core/db/repos/namespaces';
import { countOwners, deleteMembership, findMembership, insertOrg, listMembers, listOrgs, upsertMembership } from '../../../core/db/repos/organizations';
import { deleteOrgTeamMemberships } from '../../../core/db/repos/teams';
import { findUserByEmail } from '../../../core/db/repos/users';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { audit, authorize, requireSignedIn } from '../../authz';
import { readJson } from '../../body';
import { presentMember, presentNamespace, presentOrg } from './present';
import { addMemberInput, changeMemberInput, createNamespaceInput, createOrgInput, memberParams, orgParams } from './schemas';
import { visibleOrg } from './lookup';

/** Organisations, their members and their namespaces. */
export function orgsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/orgs' });
  const changedRoles = () => deps.identity.invalidate();

  router.get('/', async (ctx) => {
    requireSignedIn(ctx);
    const { access } = ctx.state.identity;
    const orgs = access.platformAdmin ? await listOrgs(deps.db) : await listOrgs(deps.db, Object.keys(access.orgRoles));
    ctx.body = { items: orgs.map((o) => presentOrg(o, access.orgRoles[o.id] ?? null)) };
  });

  /** Any user may create an organisation and becomes its owner; a service token creates one owned by nobody yet. */
  router.post('/', async (ctx) => {
    const p = requireSignedIn(ctx);
    if (!ctx.state.identity.access.scopes.includes('admin')) throw new Forbidden('a token narrowed to read or publish cannot create organisations');
    const { name } = createOrgInput.parse(await readJson(ctx));
    const org = await deps.db.transaction(async (tx) => {
      const row = await insertOrg(tx, name);
      if (p.kind === 'user') await upsertMembership(tx, row.id, p.user.id, 'owner');
      await audit(ctx, tx, { orgId: row.id, action: 'org.create', target: row.name, result: 'success' });
      return row;
    });
    changedRoles();
    ctx.status = 201;
    ctx.body = presentOrg(org, p.kind === 'user' ? 'owner' : null);
  });

  router.get('/:org', async (ctx) => {
    const { org: name } = orgParams.parse(ctx.params);
    const org = await visibleOrg(deps.db, ctx, name);
    ctx.body = presentOrg(org, ctx.state.identity.access.orgRoles[org.id] ?? null);
  });

  router.get('/:org/members', async (ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    ctx.body = { items: (await listMembers(deps.db, org.id)).map(presentMember) };
  });

  router.post('/:org/members', async (ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'org.manage', { orgId: org.id });
    const input = addMemberInput.parse(await readJson(ctx));
    if (input.role === 'owner') authorize(ctx, 'org.own', { orgId: org.id });
    const user = await findUserByEmail(deps.db, input.email);
    if (!user) throw new NotFound(`no user with email ${input.email}: create the account first`, 'user_not_found');
    await deps.db.transaction(async (tx) => {
      if (await findMembership(tx, org.id, user.id)) throw new Conflict(`${user.email} is a member already: change the role with PATCH`, 'member_exists');
      await upsertMembership(tx, org.id, user.id, input.role);
      await audit(ctx, tx, { orgId: org.id, action: 'member.add', target: user.email, result: 'success', details: { role: input.role } });
    });
    changedRoles();
    ctx.status = 201;
    ctx.body = presentMember({ user_id: user.id, email: user.email, name: user.name, role: input.role, created_at: new Date() });
  });

  router.patch('/:org/members/:userId', async (ctx) => {
    const params = memberParams.parse(ctx.params);
    const org = await visibleOrg(deps.db, ctx, params.org);
    authorize(ctx, 'org.manage', { orgId: org.id });
    const { role } = changeMemberInput.parse(await readJson(ctx));
    await deps.db.transaction(async (tx) => {
      const current = await findMembership(tx, org.id, params.userId);
      if (!current) throw new NotFound(`no member ${params.userId} in ${org.name}`);
      // Making or unmaking an owner is an owner's decision; the last owner stays.
      if (role === 'owner' || current.role === 'owner') authorize(ctx, 'org.own', { orgId: org.id });
      if (current.role === 'owner' && role !== 'owner' && (await countOwners(tx, org.id)) <= 1) {
        throw new Invalid('an organisation keeps at least one owner', 'last_owner');
      }
      await upsertMembership(tx, org.id, params.userId, role);
      await audit(ctx, tx, { orgId: org.id, action: 'member.update', target: params.userId, result: 'success', details: { from: current.role, to: role } });
    });
    changedRoles();
    ctx.status = 204;
  });

  router.delete('/:org/members/:userId', async (ctx) => {
    const params = memberParams.parse(ctx.params);
    const org = await visibleOrg(deps.db, ctx, params.org);
    authorize(ctx, 'org.manage', { orgId: org.id });
    await deps.db.transaction(async (tx) => {
      const current = await findMembership(tx, org.id, params.userId);
      if (!current) throw new NotFound(`no member ${params.userId} in ${org.name}`);
      if (current.role === 'owner') {
        authorize(ctx, 'org.own', { orgId: org.id });
        if ((await countOwners(tx, org.id)) <= 1) throw new Invalid('an organisation keeps at least one owner', 'last_owner');
      }
      await deleteMembership(tx, org.id, params.userId);
      // Leaving the organisation ends the roles its teams gave too; otherwise a removed member would keep them.
      const teams = await deleteOrgTeamMemberships(tx, org.id, params.userId);
      await audit(ctx, tx, { orgId: org.id, action: 'member.remove', target: params.userId, result: 'success', details: { role: current.role, teams } });
    });
    changedRoles();
    ctx.status = 204;
  });

  router.get('/:org/namespaces', async (ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    const { access } = ctx.state.identity;
    const rows = await listOrgNamespaces(deps.db, org.id);
    const readable = rows.filter((n) => can(access, 'namespace.read', { namespace: { id: n.id, orgId: n.org_id, visibility: n.visibility } }));
    ctx.body = { items: readable.map((n) => presentNamespace(n, org.name)) };
  });

  router.post('/:org/namespaces', async (ctx) => {
    const org = await visibleOrg(deps.db, ctx, orgParams.parse(ctx.params).org);
    authorize(ctx, 'org.manage', { orgId: org.id });
    const input = createNamespaceInput.parse(await readJson(ctx));
    const row = await deps.db.transaction(async (tx) => {
      const inserted = await insertNamespace(tx, { name: input.name, orgId: org.id, visibility: input.visibility ?? deps.config.identity.defaultVisibility });
      if (!inserted) throw new Conflict(`namespace ${input.name} exists already`, 'namespace_exists');
      await audit(ctx, tx, { orgId: org.id, action: 'namespace.create', target: inserted.name, result: 'success', details: { visibility: inserted.visibility } });
      return inserted;
    });
    deps.namespaces.invalidate();
    ctx.status = 201;
    ctx.body = presentNamespace(row, org.name);
  });

  return router;
}
