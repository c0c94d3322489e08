import type { Context } from 'koa';
import type { NamespaceInfo } from '../core/auth/namespace-directory';
import { can, type Access } from '../core/auth/policy';
import type { ReadableScope } from '../core/db/repos/catalog-search';
import { insertNamespace } from '../core/db/repos/namespaces';
import { findOrgByName, insertOrg } from '../core/db/repos/organizations';
import { NotFound } from '../core/errors';
import type { AppDeps, AppState } from './deps';
import { audit, authorize, requireSignedIn } from './authz';

type Ctx = Context & { state: AppState };

export const DEFAULT_ORG = 'default';

/** The catalogue filter for a principal: undefined (everything) for platform admins. */
export function readableScope(access: Access): ReadableScope | undefined {
  if (access.platformAdmin) return undefined;
  return { orgIds: Object.keys(access.orgRoles), namespaceIds: Object.keys(access.namespaceRoles) };
}

/**
 * Requires that the principal may read the namespace; a namespace they may not read is answered like one that
 * does not exist. Returns the namespace, or null when there is none (the caller's own 404 follows).
 */
export async function requireReadable(deps: Pick<AppDeps, 'namespaces'>, ctx: Ctx, name: string): Promise<NamespaceInfo | null> {
  const ns = await deps.namespaces.get(name);
  if (!ns) return null;
  if (!can(ctx.state.identity.access, 'namespace.read', { namespace: ns })) throw new NotFound(`${name} not found`);
  return ns;
}

/**
 * The namespace a publish goes into, after checking the principal may publish there (publisher or above in its
 * organisation). A platform admin publishing into a namespace that does not exist yet creates it, with the
 * default visibility (private unless configured), in the default organisation — so scripts written before
 * organisations existed keep working. Anyone else gets 404 and is told how namespaces are made.
 */
export async function namespaceForPublish(deps: Pick<AppDeps, 'db' | 'namespaces' | 'config'>, ctx: Ctx, name: string): Promise<NamespaceInfo> {
  requireSignedIn(ctx);
  const hidden = `namespace ${name} does not exist or is not yours: an organisation admin creates it with POST /api/v1/orgs/{org}/namespaces`;
  let ns = await deps.namespaces.get(name);
  if (!ns) {
    authorize(ctx, 'platform.admin', {}, hidden);
    await deps.db.transaction(async (tx) => {
      const org = (await findOrgByName(tx, DEFAULT_ORG)) ?? (await insertOrg(tx, DEFAULT_ORG));
      const row = await insertNamespace(tx, { name, orgId: org.id, visibility: deps.config.identity.defaultVisibility });
      if (row) await audit(ctx, tx, { orgId: org.id, action: 'namespace.create', target: row.name, result: 'success', details: { visibility: row.visibility, by: 'publish' } });
    });
    deps.namespaces.invalidate();
    ns = await deps.namespaces.get(name);
    if (!ns) throw new NotFound(hidden);
  }
  authorize(ctx, 'namespace.read', { namespace: ns }, hidden);
  authorize(ctx, 'namespace.publish', { namespace: ns });
  return ns;
}

/** Checks the principal administers the namespace (GPG keys, VCS links, visibility); 404 when they cannot read it. */
export async function namespaceForManage(deps: Pick<AppDeps, 'db' | 'namespaces' | 'config'>, ctx: Ctx, name: string): Promise<NamespaceInfo> {
  const ns = await namespaceForPublish(deps, ctx, name);
  authorize(ctx, 'namespace.manage', { namespace: ns });
  return ns;
}
