import type { Context } from 'koa';
import type { NamespaceInfo } from '../core/auth/namespace-directory';
import { can, type Action, type Resource } from '../core/auth/policy';
import { actorOf, type Principal } from '../core/auth/principal';
import type { AuditEntry } from '../core/db/repos/audit';
import { insertAudit } from '../core/db/repos/audit';
import type { Tx } from '../core/db/knex';
import { Forbidden, NotFound, Unauthorized } from '../core/errors';
import type { AppState } from './deps';

type Ctx = Context & { state: AppState };

/**
 * Throws unless the request's principal may do `action` on `resource`: 401 when nobody is signed in; 404 with
 * `hidden` when the principal may not even know the resource exists (another organisation's private namespace);
 * 403 otherwise (a reader pressing an admin's button).
 */
export function authorize(ctx: Ctx, action: Action, resource: Resource = {}, hidden?: string): void {
  const { principal, access } = ctx.state.identity;
  if (can(access, action, resource)) return;
  if (principal.kind === 'anonymous') throw new Unauthorized('sign in or send "Authorization: Bearer <token>"');
  if (hidden) throw new NotFound(hidden);
  throw new Forbidden(`your role does not allow ${action}`);
}

/** True when the principal may read the namespace (public, or a role in it). */
export function mayRead(ctx: Ctx, ns: NamespaceInfo): boolean {
  return can(ctx.state.identity.access, 'namespace.read', { namespace: ns });
}

/** Requires someone signed in (a user or a token); returns the principal. */
export function requireSignedIn(ctx: Ctx): Exclude<Principal, { kind: 'anonymous' }> {
  const p = ctx.state.identity.principal;
  if (p.kind === 'anonymous') throw new Unauthorized('sign in or send "Authorization: Bearer <token>"');
  return p;
}

/** Requires a person (not a service token); returns their principal. */
export function requireUser(ctx: Ctx): Extract<Principal, { kind: 'user' }> {
  const p = requireSignedIn(ctx);
  if (p.kind !== 'user') throw new Forbidden('this needs a user: a service token acts for no one', 'user_required');
  return p;
}

/** Writes an audit entry for the request's principal, in the transaction of the change it records. */
export function audit(ctx: Ctx, tx: Tx, entry: Omit<AuditEntry, 'actorType' | 'actorId' | 'actorLabel' | 'ip' | 'userAgent'> & { principal?: Principal }): Promise<void> {
  const { principal, ...rest } = entry;
  return insertAudit(tx, { ...actorOf(principal ?? ctx.state.identity.principal), ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null, ...rest });
}
