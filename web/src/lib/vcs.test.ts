import { describe, expect, it } from 'vitest';
import { deliveryOutcome, detectedByLabel, syncSummary, moduleAddressProblems, previewTags, suggestModuleAddress, vcsKindInfo, webhookInstructions } from './vcs';

describe('tag preview', () => {
  it('lists release tags newest first, then the ignored tags, and counts both', () => {
    const preview = previewTags([
      { name: 'nightly', commitSha: 'a'.repeat(40), version: null },
      { name: 'v1.2.0', commitSha: 'b'.repeat(40), version: '1.2.0' },
      { name: 'v1.10.0', commitSha: 'c'.repeat(40), version: '1.10.0' },
      { name: 'v1.10.0-rc.1', commitSha: 'd'.repeat(40), version: '1.10.0-rc.1' },
      { name: 'docs', commitSha: 'e'.repeat(40), version: null },
    ]);
    expect(preview.tags.map((t) => t.name)).toEqual(['v1.10.0', 'v1.10.0-rc.1', 'v1.2.0', 'docs', 'nightly']);
    expect(preview).toMatchObject({ releases: 3, ignored: 2, clashes: [] });
  });

  it('names versions that two tags map to', () => {
    const preview = previewTags([
      { name: 'v1.0.0', commitSha: 'a'.repeat(40), version: '1.0.0' },
      { name: '1.0.0', commitSha: 'b'.repeat(40), version: '1.0.0' },
      { name: 'v2.0.0', commitSha: 'c'.repeat(40), version: '2.0.0' },
    ]);
    expect(preview.clashes).toEqual(['1.0.0']);
  });

  it('does not reorder the list it was given', () => {
    const tags = [
      { name: 'v1.0.0', commitSha: 'a'.repeat(40), version: '1.0.0' },
      { name: 'v2.0.0', commitSha: 'b'.repeat(40), version: '2.0.0' },
    ];
    previewTags(tags);
    expect(tags.map((t) => t.name)).toEqual(['v1.0.0', 'v2.0.0']);
  });
});

describe('module address from a repository', () => {
  it('follows the terraform-<system>-<name> convention', () => {
    expect(suggestModuleAddress('acme/terraform-aws-network')).toEqual({ namespace: 'acme', name: 'network', system: 'aws' });
    expect(suggestModuleAddress('acme/terraform-azurerm-key-vault')).toEqual({ namespace: 'acme', name: 'key-vault', system: 'azurerm' });
  });

  it('names the module after its subdirectory, and leaves the system to the user when it cannot be known', () => {
    expect(suggestModuleAddress('acme/infra', 'modules/vpc/')).toEqual({ namespace: 'acme', name: 'vpc', system: '' });
    expect(suggestModuleAddress('acme/infra')).toEqual({ namespace: 'acme', name: 'infra', system: '' });
  });

  it('turns names the registry would refuse into ones it accepts', () => {
    const a = suggestModuleAddress('My Project/net.work_');
    expect(a).toEqual({ namespace: 'My-Project', name: 'net-work', system: '' });
    expect(moduleAddressProblems({ ...a, system: 'aws' })).toEqual({});
  });
});

describe('module address problems', () => {
  it('explains each field that the registry would refuse', () => {
    expect(moduleAddressProblems({ namespace: '', name: '-net', system: 'AWS' })).toEqual({
      namespace: 'required',
      name: expect.stringContaining('starting and ending with a letter or digit'),
      system: expect.stringContaining('lowercase'),
    });
    expect(moduleAddressProblems({ namespace: 'acme', name: 'net_work', system: 'aws' })).toEqual({});
  });
});

describe('delivery results', () => {
  it('shows a moved tag as a problem and a publish as a success', () => {
    expect(deliveryOutcome('violation')).toEqual({ label: 'tag moved', tone: 'bad' });
    expect(deliveryOutcome('published')).toEqual({ label: 'published', tone: 'ok' });
    expect(deliveryOutcome('not-a-release').tone).toBe('neutral');
  });

  it('shows a result it does not know as it is', () => {
    expect(deliveryOutcome('something-new')).toEqual({ label: 'something-new', tone: 'neutral' });
  });
});

describe('providers', () => {
  it('requires a base URL for Azure DevOps only', () => {
    expect(vcsKindInfo('azure-devops')?.baseUrlRequired).toBe(true);
    expect(vcsKindInfo('github')?.baseUrlRequired).toBe(false);
    expect(vcsKindInfo('bitbucket')).toBeUndefined();
  });

  it('says where to paste the webhook for each provider', () => {
    expect(webhookInstructions('github', 'acme/infra').join(' ')).toMatch(/acme\/infra.*Webhooks.*application\/json.*push/);
    expect(webhookInstructions('gitlab', 'acme/infra').join(' ')).toContain('Tag push events');
    expect(webhookInstructions('azure-devops', 'proj/repo').join(' ')).toContain('user name');
  });
});

describe('sync summary', () => {
  it('says what a sync did, moved tags included', () => {
    expect(syncSummary({ releaseTags: 1, started: 1, alreadyRunning: 0, failed: 0, outcomes: { published: 1 } })).toBe('Checked 1 release tag: 1 published.');
    expect(syncSummary({ releaseTags: 3, started: 2, alreadyRunning: 1, failed: 1, outcomes: { violation: 1 } })).toBe(
      'Checked 3 release tags: 1 tag moved since publishing (nothing republished), 1 failed (see their workflows), 1 already being published.',
    );
    expect(syncSummary({ releaseTags: 2, started: 0, alreadyRunning: 0, failed: 0, outcomes: {} })).toBe('Checked 2 release tags: nothing new to publish.');
  });

  it('says nothing about a result that is not a sync result (a backfill skipped because a sync was running)', () => {
    expect(syncSummary(null)).toBeNull();
    expect(syncSummary({ webhook: 'installed' })).toBeNull();
  });

  it('names who found a moved tag', () => {
    expect(detectedByLabel('manual')).toBe('a manual sync');
    expect(detectedByLabel('reconcile')).toBe('the periodic check');
    expect(detectedByLabel('robot')).toBe('robot');
  });
});
