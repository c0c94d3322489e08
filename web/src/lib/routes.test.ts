import { describe, expect, it } from 'vitest';
import { links, matchRoute } from './routes';

describe('routes', () => {
  it('parses every page and its parameters', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/modules/acme/net/aws')).toMatchObject({ name: 'module', namespace: 'acme', moduleName: 'net', system: 'aws', version: null, unit: null });
    expect(matchRoute('/modules/acme/net/aws/1.2.0/modules/subnet')).toMatchObject({ version: '1.2.0', unit: 'modules/subnet' });
    expect(matchRoute('/modules/acme/net/aws/1.2.0/examples/basic/')).toMatchObject({ unit: 'examples/basic' });
    expect(matchRoute('/providers/acme/thing/2.0.0')).toEqual({ name: 'provider', namespace: 'acme', type: 'thing', version: '2.0.0' });
    expect(matchRoute('/activity')).toEqual({ name: 'activity' });
    expect(matchRoute('/tokens')).toEqual({ name: 'tokens' });
    expect(matchRoute('/publish')).toEqual({ name: 'publish' });
    expect(matchRoute('/publish/repository')).toEqual({ name: 'publish-repository' });
    expect(matchRoute('/connections')).toEqual({ name: 'connections' });
    expect(matchRoute('/publish/elsewhere').name).toBe('not-found');
    expect(matchRoute('/login')).toEqual({ name: 'login' });
    expect(matchRoute('/reset-password')).toEqual({ name: 'reset-password' });
    expect(matchRoute('/verify-email')).toEqual({ name: 'verify-email' });
    expect(links.resetPassword('t/k+1')).toBe('/reset-password?token=t%2Fk%2B1');
    expect(matchRoute('/sessions')).toEqual({ name: 'sessions' });
    expect(matchRoute('/orgs')).toEqual({ name: 'orgs' });
    expect(matchRoute('/orgs/acme')).toEqual({ name: 'org', org: 'acme', tab: 'members' });
    expect(matchRoute('/orgs/acme/audit')).toEqual({ name: 'org', org: 'acme', tab: 'audit' });
    expect(matchRoute('/orgs/acme/teams/platform')).toEqual({ name: 'team', org: 'acme', team: 'platform' });
    expect(matchRoute('/orgs/acme/workspaces')).toEqual({ name: 'org', org: 'acme', tab: 'workspaces' });
    expect(matchRoute('/orgs/acme/runs')).toEqual({ name: 'org', org: 'acme', tab: 'runs' });
    expect(matchRoute('/orgs/acme/workspaces/net-prod')).toEqual({ name: 'workspace', org: 'acme', workspace: 'net-prod' });
    expect(matchRoute('/orgs/acme/workspaces/net-prod/x').name).toBe('not-found');
    expect(matchRoute('/orgs/acme/plugins')).toEqual({ name: 'org', org: 'acme', tab: 'plugins' });
    expect(matchRoute('/orgs/acme/plugins/web-service')).toEqual({ name: 'plugin', org: 'acme', plugin: 'web-service', version: null });
    expect(matchRoute('/orgs/acme/plugins/web-service/1.2.0')).toEqual({ name: 'plugin', org: 'acme', plugin: 'web-service', version: '1.2.0' });
    expect(matchRoute('/orgs/acme/plugins/web-service/1.2.0/x').name).toBe('not-found');
    expect(links.plugin('acme', 'web-service', '1.2.0')).toBe('/orgs/acme/plugins/web-service/1.2.0');
    expect(matchRoute('/runs/0b0e7a4e-7f39-4a8e-9a53-1f2d3c4b5a69')).toEqual({ name: 'run', runId: '0b0e7a4e-7f39-4a8e-9a53-1f2d3c4b5a69' });
    expect(matchRoute('/runs').name).toBe('not-found');
    expect(matchRoute('/runs/a/b').name).toBe('not-found');
    expect(matchRoute(links.workspace('a b', 'ws_1'))).toEqual({ name: 'workspace', org: 'a b', workspace: 'ws_1' });
    expect(matchRoute('/orgs/acme/secrets').name).toBe('not-found');
    expect(matchRoute('/orgs/acme/members/x').name).toBe('not-found');
  });

  it('keeps a workflow id with its colon and slashes, and round-trips links', () => {
    const id = 'module-publish:acme/net/aws/1.2.0';
    const href = links.workflow(id);
    expect(href).toBe('/activity/module-publish%3Aacme/net/aws/1.2.0');
    expect(matchRoute(href)).toEqual({ name: 'workflow', workflowId: id });
    const m = { namespace: 'ac me', name: 'n', system: 'aws' };
    expect(matchRoute(links.module(m, '1.0.0', 'modules/x'))).toMatchObject({ namespace: 'ac me', version: '1.0.0', unit: 'modules/x' });
    // The repository tab is a query on the module page, so switching tabs keeps the loaded module.
    expect(links.moduleVcs(m)).toBe('/modules/ac%20me/n/aws?tab=vcs');
    expect(links.publishRepository({ namespace: 'acme', name: undefined })).toBe('/publish/repository?namespace=acme');
    expect(matchRoute(links.team('a b', 'c/d'))).toEqual({ name: 'team', org: 'a b', team: 'c/d' });
    expect(links.org('acme', 'namespaces')).toBe('/orgs/acme/namespaces');
  });

  it('answers not-found for unknown or malformed paths instead of throwing', () => {
    expect(matchRoute('/nope').name).toBe('not-found');
    expect(matchRoute('/modules/acme').name).toBe('not-found');
    expect(matchRoute('/modules/acme/net/aws/1.0.0/secrets/x').name).toBe('not-found');
    expect(matchRoute('/modules/%E0%A4%A/net/aws').name).toBe('not-found');
  });
});
