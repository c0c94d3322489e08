import { describe, expect, it } from 'vitest';
import { deploymentTone, matchesFilter } from './deployments-api';
import { links, matchRoute } from './routes';
import type { Deployment } from './types';

const deployment: Deployment = {
  id: 'd1',
  stack: 'assets-prod',
  organization: 'shop',
  plugin: 'bucket',
  version: '1.0.0',
  environment: 'production',
  inputs: { name: 'assets' },
  tags: { team: 'web', owner: 'pat' },
  status: 'deployed',
  latestRun: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('deployments in the dashboard', () => {
  it('matches a filter on environment, status, plugin and a tag (key=value, or a key alone)', () => {
    expect(matchesFilter(deployment, {})).toBe(true);
    expect(matchesFilter(deployment, { environment: 'production', status: 'deployed', plugin: 'bucket', tag: 'team=web' })).toBe(true);
    expect(matchesFilter(deployment, { environment: 'staging' })).toBe(false);
    expect(matchesFilter(deployment, { status: 'failed' })).toBe(false);
    expect(matchesFilter(deployment, { plugin: 'queue' })).toBe(false);
    expect(matchesFilter(deployment, { tag: 'team=data' })).toBe(false);
    expect(matchesFilter(deployment, { tag: ' owner = pat ' })).toBe(true);
    expect(matchesFilter(deployment, { tag: 'owner' })).toBe(true);
    expect(matchesFilter(deployment, { tag: 'purpose' })).toBe(false);
  });

  it('shows deployed and failed in their own tones, the rest as runs', () => {
    expect(deploymentTone('deployed')).toBe('ok');
    expect(deploymentTone('failed')).toBe('bad');
    expect(deploymentTone('awaiting_approval')).toBe('warn');
    expect(deploymentTone('planning')).toBe('run');
  });

  it('has an organisation tab', () => {
    expect(matchRoute('/orgs/shop/deployments')).toEqual({ name: 'org', org: 'shop', tab: 'deployments' });
    expect(links.org('shop', 'deployments')).toBe('/orgs/shop/deployments');
  });
});
