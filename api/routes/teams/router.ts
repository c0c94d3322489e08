import Router from '@koa/router';
import type { Context } from 'koa';
import { isUniqueViolation } from '../../../core/db/knex';
import { findNamespace } from '../../../core/db/repos/namespaces';
import type { OrgRow } from '../../../core/db/repos/organizations';
import {
  deleteTeam,
  deleteTeamMember,
  deleteTeamNamespaceRole,
  findTeam,
  insertTeam,
  insertTeamMember,
  listTeamMembers,
  listTeamNamespaceRoles,
  listTeams,
  updateTeam,
  upsertTeamNamespaceRole,
  type TeamRow,
} from '../../../core/db/repos/teams';
import { findUserByEmail } from '../../../core/db/repos/users';
import { Conflict, NotFound } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { audit, authorize } from '../../authz';
import { readJson } from '../../body';
import { visibleOrg } from '../orgs/lookup';
import { presentTeam, presentTeamDetail, presentTeamMember } from './present';
import { addTeamMemberInput, createTeamInput, patchTeamInput, setNamespaceRoleInput, teamMemberParams, teamNamespaceParams, teamParams } from './schemas';

type Ctx = Context & { state: AppState };

const teamExists = (name: string) => new Conflict(`a team named ${name} exists already in this organisation`, 'team_exists');

/**
 * Teams of an organisation: an organisation-wide role and per-namespace roles for all their members. Members of
 * the organisation may look; its admins change teams, and only its owners touch a team whose role is `owner`
 * (adding someone to such a team makes them an owner).
 */
export function teamsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/orgs/:org/teams' });
  const changedRoles = () => deps.identity.invalidate();

  /** The organisation of the path, after checking the principal administers it (outsiders get 404, readers 403). */
  const managedOrg = async (ctx: Ctx): Promise<OrgRow> => {
    const org = await visibleOrg(deps.db, ctx, teamParams.pick({ org: true }).parse(ctx.params).org);
    authorize(ctx, 'org.manage', { orgId: org.id });
    return org;
  };
  const teamOf = async (org: OrgRow, name: string): Promise<TeamRow> => {
    const team = await findTeam(deps.db, org.id, name);
    if (!team) throw new NotFound(`no team ${name} in ${org.name}`, 'team_not_found');
    return team;
  };
  /** A team with the owner role makes owners of its members: changing it is an owner's decision. */
  const requireOwnerFor = (ctx: Ctx, org: OrgRow, ...roles: (string | null | undefined)[]) => {
    if (roles.includes('owner')) authorize(ctx, 'org.own', { orgId: org.id });
  };

  router.get('/', async (ctx) => {
    const org = await visibleOrg(deps.db, ctx, teamParams.pick({ org: true }).parse(ctx.params).org);
    ctx.body = { items: (await listTeams(deps.db, org.id)).map((t) => presentTeam(t, org.name, t.member_count)) };
  });

  router.post('/', async (ctx) => {
    const org = await managedOrg(ctx);
    const input = createTeamInput.parse(await readJson(ctx));
    requireOwnerFor(ctx, org, input.role);
    const team = await deps.db.transaction(async (tx) => {
      const row = await insertTeam(tx, { orgId: org.id, name: input.name, role: input.role ?? null, ssoGroup: input.ssoGroup ?? null });
      if (!row) throw teamExists(input.name);
      await audit(ctx, tx, { orgId: org.id, action: 'team.create', target: row.name, result: 'success', details: { role: row.role, ssoGroup: row.sso_group } });
      return row;
    });
    changedRoles();
    ctx.status = 201;
    ctx.body = presentTeam(team, org.name, 0);
  });

  router.get('/:team', async (ctx) => {
    const params = teamParams.parse(ctx.params);
    const org = await visibleOrg(deps.db, ctx, params.org);
    const team = await teamOf(org, params.team);
    const [members, namespaces] = await Promise.all([listTeamMembers(deps.db, team.id), listTeamNamespaceRoles(deps.db, team.id)]);
    ctx.body = presentTeamDetail(team, org.name, members, namespaces);
  });

  router.patch('/:team', async (ctx) => {
    const org = await managedOrg(ctx);
    const team = await teamOf(org, teamParams.parse(ctx.params).team);
    const input = patchTeamInput.parse(await readJson(ctx));
    requireOwnerFor(ctx, org, team.role, input.role);
    try {
      await deps.db.transaction(async (tx) => {
        await updateTeam(tx, team.id, input);
        const details = { from: { name: team.name, role: team.role, ssoGroup: team.sso_group }, to: input };
        await audit(ctx, tx, { orgId: org.id, action: 'team.update', target: team.name, result: 'success', details });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw teamExists(input.name ?? team.name);
      throw err;
    }
    changedRoles();
    const updated = await teamOf(org, input.name ?? team.name);
    const [members, namespaces] = await Promise.all([listTeamMembers(deps.db, team.id), listTeamNamespaceRoles(deps.db, team.id)]);
    ctx.body = presentTeamDetail(updated, org.name, members, namespaces);
  });

  router.delete('/:team', async (ctx) => {
    const org = await managedOrg(ctx);
    const team = await teamOf(org, teamParams.parse(ctx.params).team);
    requireOwnerFor(ctx, org, team.role);
    await deps.db.transaction(async (tx) => {
      await deleteTeam(tx, team.id);
      await audit(ctx, tx, { orgId: org.id, action: 'team.delete', target: team.name, result: 'success', details: { role: team.role } });
    });
    changedRoles();
    ctx.status = 204;
  });

  router.get('/:team/members', async (ctx) => {
    const params = teamParams.parse(ctx.params);
    const org = await visibleOrg(deps.db, ctx, params.org);
    const team = await teamOf(org, params.team);
    ctx.body = { items: (await listTeamMembers(deps.db, team.id)).map(presentTeamMember) };
  });

  /**
   * Adds a user to the team. They need not be a member of the organisation: a team with only namespace roles is
   * how someone gets one namespace and nothing else. Leaving the organisation takes them out of its teams.
   */
  router.post('/:team/members', async (ctx) => {
    const org = await managedOrg(ctx);
    const team = await teamOf(org, teamParams.parse(ctx.params).team);
    requireOwnerFor(ctx, org, team.role);
    const { email } = addTeamMemberInput.parse(await readJson(ctx));
    const user = await findUserByEmail(deps.db, email);
    if (!user) throw new NotFound(`no user with email ${email}: create the account first`, 'user_not_found');
    await deps.db.transaction(async (tx) => {
      if (!(await insertTeamMember(tx, team.id, user.id, 'manual'))) throw new Conflict(`${user.email} is in ${team.name} already`, 'team_member_exists');
      await audit(ctx, tx, { orgId: org.id, action: 'team.member.add', target: team.name, result: 'success', details: { userId: user.id, email: user.email } });
    });
    changedRoles();
    ctx.status = 201;
    ctx.body = presentTeamMember({ user_id: user.id, email: user.email, name: user.name, source: 'manual' });
  });

  router.delete('/:team/members/:userId', async (ctx) => {
    const org = await managedOrg(ctx);
    const params = teamMemberParams.parse(ctx.params);
    const team = await teamOf(org, params.team);
    requireOwnerFor(ctx, org, team.role);
    await deps.db.transaction(async (tx) => {
      if (!(await deleteTeamMember(tx, team.id, params.userId))) throw new NotFound(`no member ${params.userId} in ${team.name}`);
      await audit(ctx, tx, { orgId: org.id, action: 'team.member.remove', target: team.name, result: 'success', details: { userId: params.userId } });
    });
    changedRoles();
    ctx.status = 204;
  });

  /** The namespace of the path, if it belongs to the team's organisation (another organisation's is a 404). */
  const orgNamespace = async (org: OrgRow, name: string) => {
    const ns = await findNamespace(deps.db, name);
    if (!ns || ns.org_id !== org.id) throw new NotFound(`no namespace ${name} in ${org.name}`);
    return ns;
  };

  router.put('/:team/namespaces/:namespace', async (ctx) => {
    const org = await managedOrg(ctx);
    const params = teamNamespaceParams.parse(ctx.params);
    const team = await teamOf(org, params.team);
    const ns = await orgNamespace(org, params.namespace);
    const { role } = setNamespaceRoleInput.parse(await readJson(ctx));
    await deps.db.transaction(async (tx) => {
      const before = await upsertTeamNamespaceRole(tx, team.id, ns.id, role);
      await audit(ctx, tx, { orgId: org.id, action: 'team.namespace.set', target: team.name, result: 'success', details: { namespace: ns.name, from: before, to: role } });
    });
    changedRoles();
    ctx.body = { namespace: ns.name, role };
  });

  router.delete('/:team/namespaces/:namespace', async (ctx) => {
    const org = await managedOrg(ctx);
    const params = teamNamespaceParams.parse(ctx.params);
    const team = await teamOf(org, params.team);
    const ns = await orgNamespace(org, params.namespace);
    await deps.db.transaction(async (tx) => {
      if (!(await deleteTeamNamespaceRole(tx, team.id, ns.id))) throw new NotFound(`team ${team.name} has no role on ${ns.name}`);
      await audit(ctx, tx, { orgId: org.id, action: 'team.namespace.remove', target: team.name, result: 'success', details: { namespace: ns.name } });
    });
    changedRoles();
    ctx.status = 204;
  });

  return router;
}
