import type { Me, Role, Scope } from './types';

export const ROLES: readonly Role[] = ['reader', 'publisher', 'admin', 'owner'];

const rank = (role: Role | null | undefined): number => (role ? ROLES.indexOf(role) + 1 : 0);

/** The highest role a set of token scopes lets through (a session has every scope). */
function scopeCeiling(scopes: readonly Scope[]): number {
  if (scopes.includes('admin')) return rank('owner');
  if (scopes.includes('publish')) return rank('publisher');
  return scopes.includes('read') ? rank('reader') : 0;
}

/**
 * Whether the signed-in person holds at least `min` in the organisation (platform admins everywhere), after
 * their token's scopes. Only decides what the dashboard shows: the API checks every request again.
 */
export function hasRole(me: Me | null, org: string | null | undefined, min: Role): boolean {
  if (!me) return false;
  if (scopeCeiling(me.scopes) < rank(min)) return false;
  if (me.platformAdmin) return true;
  const membership = me.organizations.find((o) => o.name === org);
  return rank(membership?.role) >= rank(min);
}

/** A token's scopes in one word: they are cumulative, so the highest says it all (none: unscoped, `admin`). */
export function highestScope(scopes: readonly Scope[]): Scope {
  return scopes.includes('admin') || scopes.length === 0 ? 'admin' : scopes.includes('publish') ? 'publish' : 'read';
}

/**
 * Whether publishing is worth offering at all: publisher (or more) in some organisation, or on some namespace
 * through a team, within the token's scopes.
 */
export function canPublishSomewhere(me: Me | null): boolean {
  if (!me) return false;
  if (me.platformAdmin) return scopeCeiling(me.scopes) >= rank('publisher');
  if (me.organizations.some((o) => hasRole(me, o.name, 'publisher'))) return true;
  return scopeCeiling(me.scopes) >= rank('publisher') && me.namespaces.some((n) => rank(n.role) >= rank('publisher'));
}

/** The roles someone may hand out: only owners make owners. */
export function assignableRoles(me: Me | null, org: string): Role[] {
  return hasRole(me, org, 'owner') ? [...ROLES] : ROLES.filter((r) => r !== 'owner');
}
