import { describe, expect, it } from 'vitest';
import { assignableRoles, canPublishSomewhere, hasRole, highestScope } from './roles';
import type { Me, Role, Scope } from './types';

const me = (orgs: [string, Role | null][], opts: { platformAdmin?: boolean; scopes?: Scope[]; namespaces?: Me['namespaces'] } = {}): Me => ({
  kind: 'user',
  user: { id: 'u1', email: 'u@example.com', name: 'U', platformAdmin: opts.platformAdmin ?? false },
  tokenName: null,
  platformAdmin: opts.platformAdmin ?? false,
  scopes: opts.scopes ?? ['read', 'publish', 'admin'],
  organizations: orgs.map(([name, role], i) => ({ id: String(i), name, role })),
  namespaces: opts.namespaces ?? [],
  csrfToken: 'c',
});

describe('roles', () => {
  it('ranks roles within one organisation only', () => {
    const m = me([['acme', 'admin'], ['other', 'reader']]);
    expect(hasRole(m, 'acme', 'admin')).toBe(true);
    expect(hasRole(m, 'acme', 'owner')).toBe(false);
    expect(hasRole(m, 'other', 'publisher')).toBe(false);
    expect(hasRole(m, 'nowhere', 'reader')).toBe(false);
    expect(hasRole(null, 'acme', 'reader')).toBe(false);
  });

  it('offers publishing to publishers, not to readers or read-only tokens', () => {
    expect(canPublishSomewhere(me([['acme', 'reader']]))).toBe(false);
    expect(canPublishSomewhere(me([['acme', 'reader'], ['b', 'publisher']]))).toBe(true);
    expect(canPublishSomewhere(me([['acme', 'owner']], { scopes: ['read'] }))).toBe(false);
    expect(canPublishSomewhere(me([], { platformAdmin: true }))).toBe(true);
    expect(canPublishSomewhere(null)).toBe(false);
    // Through a team: a publisher role on one namespace, no organisation role.
    const net = { name: 'acme-net', organization: 'acme', role: 'publisher' as const };
    expect(canPublishSomewhere(me([], { namespaces: [net] }))).toBe(true);
    expect(canPublishSomewhere(me([], { namespaces: [{ ...net, role: 'reader' }] }))).toBe(false);
    expect(canPublishSomewhere(me([], { namespaces: [net], scopes: ['read'] }))).toBe(false);
  });

  it('names a token by its highest scope', () => {
    expect(highestScope(['read', 'publish'])).toBe('publish');
    expect(highestScope(['read'])).toBe('read');
    expect(highestScope([])).toBe('admin');
  });

  it('lets only owners hand out the owner role', () => {
    expect(assignableRoles(me([['acme', 'owner']]), 'acme')).toContain('owner');
    expect(assignableRoles(me([['acme', 'admin']]), 'acme')).toEqual(['reader', 'publisher', 'admin']);
  });
});
