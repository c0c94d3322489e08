import type { Context } from 'koa';
import { can } from '../../../core/auth/policy';
import type { Db } from '../../../core/db/knex';
import { findOrgByName, type OrgRow } from '../../../core/db/repos/organizations';
import { NotFound, Unauthorized } from '../../../core/errors';
import type { AppState } from '../../deps';

/**
 * The organisation named in the path, if the principal may see it. Another organisation is answered exactly like
 * one that does not exist (404), so names of organisations are not revealed.
 */
export async function visibleOrg(db: Db, ctx: Context & { state: AppState }, name: string): Promise<OrgRow> {
  if (ctx.state.identity.principal.kind === 'anonymous') throw new Unauthorized('sign in or send "Authorization: Bearer <token>"');
  const org = await findOrgByName(db, name);
  if (!org || !can(ctx.state.identity.access, 'org.read', { orgId: org.id })) throw new NotFound(`no organisation ${name}`);
  return org;
}
