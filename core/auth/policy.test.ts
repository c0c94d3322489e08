import { describe, expect, it } from 'vitest';
import { ANONYMOUS_ACCESS, can, effectiveRole, type Access, type Action, type Resource, type Role, type Scope } from './policy';

type Namespace = NonNullable<Resource['namespace']>;

const ACME = 'org-acme';
const OTHER = 'org-other';
const privateNs: Namespace = { id: 'ns-acme-private', orgId: ACME, visibility: 'private' };
const siblingNs: Namespace = { id: 'ns-acme-sibling', orgId: ACME, visibility: 'private' };
const publicNs: Namespace = { id: 'ns-acme-public', orgId: ACME, visibility: 'public' };
const otherNs: Namespace = { id: 'ns-other', orgId: OTHER, visibility: 'private' };

const ACTIONS: Action[] = ['namespace.read', 'namespace.publish', 'namespace.manage', 'org.read', 'org.manage', 'org.own', 'platform.admin'];

// The rule table of the README, written out rather than derived: what each organisation role may do in its own
// organisation (a private namespace of it, or the organisation itself).
const ALLOWED: Record<Role | 'none', Action[]> = {
  none: [],
  reader: ['namespace.read', 'org.read'],
  publisher: ['namespace.read', 'namespace.publish', 'org.read'],
  admin: ['namespace.read', 'namespace.publish', 'namespace.manage', 'org.read', 'org.manage'],
  owner: ['namespace.read', 'namespace.publish', 'namespace.manage', 'org.read', 'org.manage', 'org.own'],
};

function access(input: Partial<Access> = {}): Access {
  return { platformAdmin: false, orgRoles: {}, namespaceRoles: {}, scopes: ['admin'], ...input };
}

const member = (role: Role | 'none', scopes: Scope[] = ['admin']) => access({ orgRoles: role === 'none' ? {} : { [ACME]: role }, scopes });

/** The resource an action is about, in organisation `orgId` (its private namespace for the namespace actions). */
function resourceFor(action: Action, ns: Namespace = privateNs): Resource {
  if (action.startsWith('namespace.')) return { namespace: ns };
  if (action.startsWith('org.')) return { orgId: ns.orgId };
  return {};
}

const allowedActions = (a: Access, ns: Namespace = privateNs) => ACTIONS.filter((action) => can(a, action, resourceFor(action, ns)));

describe('can: organisation role × action', () => {
  for (const role of ['none', 'reader', 'publisher', 'admin', 'owner'] as const) {
    it(`${role} in its own organisation may do exactly ${ALLOWED[role].join(', ') || 'nothing'}`, () => {
      expect(allowedActions(member(role))).toEqual(ACTIONS.filter((a) => ALLOWED[role].includes(a)));
    });

    it(`${role} of one organisation may do nothing in another`, () => {
      expect(allowedActions(member(role), otherNs)).toEqual([]);
    });
  }

  it('an action without the resource it is about is refused to organisation members', () => {
    for (const action of ACTIONS) expect(can(member('owner'), action), action).toBe(false);
  });
});

describe('scope-narrowed tokens', () => {
  // The role a token of someone with `role` may use: the lower of the role and the scope's cap.
  const CAPPED: Record<Role, Record<Scope, Role>> = {
    reader: { read: 'reader', publish: 'reader', admin: 'reader' },
    publisher: { read: 'reader', publish: 'publisher', admin: 'publisher' },
    admin: { read: 'reader', publish: 'publisher', admin: 'admin' },
    owner: { read: 'reader', publish: 'publisher', admin: 'owner' },
  };

  for (const role of ['reader', 'publisher', 'admin', 'owner'] as const) {
    for (const scope of ['read', 'publish', 'admin'] as const) {
      it(`a ${scope}-scoped token of an ${role} acts as ${CAPPED[role][scope]}`, () => {
        const a = member(role, [scope]);
        expect(effectiveRole(a, { namespace: privateNs })).toBe(CAPPED[role][scope]);
        expect(effectiveRole(a, { orgId: ACME })).toBe(CAPPED[role][scope]);
        expect(allowedActions(a)).toEqual(ACTIONS.filter((x) => ALLOWED[CAPPED[role][scope]].includes(x)));
      });
    }
  }

  it('the widest of several scopes is the cap', () => {
    expect(effectiveRole(member('owner', ['read', 'publish']), { orgId: ACME })).toBe('publisher');
  });

  it('a token with no scopes can do nothing, even a platform admin\'s, but still reads public namespaces', () => {
    for (const a of [member('owner', []), access({ platformAdmin: true, scopes: [] })]) {
      expect(effectiveRole(a, { namespace: privateNs })).toBeNull();
      expect(allowedActions(a)).toEqual([]);
      expect(can(a, 'namespace.read', { namespace: publicNs })).toBe(true);
    }
  });
});

describe('platform admins', () => {
  const admin = access({ platformAdmin: true });

  it('sit above every organisation without being a member', () => {
    for (const ns of [privateNs, otherNs]) {
      expect(effectiveRole(admin, { namespace: ns })).toBe('owner');
      expect(allowedActions(admin, ns)).toEqual(ACTIONS);
    }
  });

  it('need the admin scope for platform administration; narrowed, they are capped like anyone', () => {
    const readOnly = access({ platformAdmin: true, scopes: ['read'] });
    expect(can(readOnly, 'platform.admin')).toBe(false);
    expect(allowedActions(readOnly, otherNs)).toEqual(['namespace.read', 'org.read']);
    expect(can(access({ platformAdmin: true, scopes: ['publish'] }), 'platform.admin')).toBe(false);
  });

  it('an organisation owner is no platform admin', () => {
    expect(can(member('owner'), 'platform.admin')).toBe(false);
  });
});

describe('public namespaces', () => {
  it('anyone may read, even anonymously; nobody without a role may publish or manage', () => {
    for (const a of [ANONYMOUS_ACCESS, member('none'), access({ orgRoles: { [OTHER]: 'owner' } })]) {
      expect(can(a, 'namespace.read', { namespace: publicNs })).toBe(true);
      expect(can(a, 'namespace.publish', { namespace: publicNs })).toBe(false);
      expect(can(a, 'namespace.manage', { namespace: publicNs })).toBe(false);
    }
  });

  it('publishing into one still follows the organisation role', () => {
    expect(allowedActions(member('publisher'), publicNs)).toEqual(ALLOWED.publisher);
  });

  it('anonymous access reads nothing private', () => {
    expect(allowedActions(ANONYMOUS_ACCESS)).toEqual([]);
    expect(effectiveRole(ANONYMOUS_ACCESS, { namespace: privateNs })).toBeNull();
  });
});

describe('namespace roles of teams', () => {
  it('apply to that namespace only, not to its siblings or the organisation', () => {
    const a = access({ namespaceRoles: { [privateNs.id]: 'publisher' } });
    expect(effectiveRole(a, { namespace: privateNs })).toBe('publisher');
    expect(can(a, 'namespace.publish', { namespace: privateNs })).toBe(true);
    expect(can(a, 'namespace.manage', { namespace: privateNs })).toBe(false);
    expect(can(a, 'namespace.read', { namespace: siblingNs })).toBe(false);
    expect(can(a, 'org.read', { orgId: ACME })).toBe(false);
  });

  it('raise an organisation role on their namespace, never lower it', () => {
    const raised = access({ orgRoles: { [ACME]: 'reader' }, namespaceRoles: { [privateNs.id]: 'admin' } });
    expect(effectiveRole(raised, { namespace: privateNs })).toBe('admin');
    expect(effectiveRole(raised, { namespace: siblingNs })).toBe('reader');
    const lower = access({ orgRoles: { [ACME]: 'admin' }, namespaceRoles: { [privateNs.id]: 'reader' } });
    expect(effectiveRole(lower, { namespace: privateNs })).toBe('admin');
  });

  it('are capped by the token scope too', () => {
    const a = access({ namespaceRoles: { [privateNs.id]: 'owner' }, scopes: ['publish'] });
    expect(effectiveRole(a, { namespace: privateNs })).toBe('publisher');
    expect(can(a, 'namespace.manage', { namespace: privateNs })).toBe(false);
  });
});
