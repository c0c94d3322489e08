import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVcsClient } from '../../core/vcs/client';
import type { VcsClient, VcsKind } from '../../core/vcs/types';
import { AzureDevOpsStandIn } from './stand-ins/azure-devops';
import { GitHubStandIn } from './stand-ins/github';
import { GitLabStandIn } from './stand-ins/gitlab';

// Each provider client (octokit, @gitbeaker/rest, azure-devops-node-api) against its stand-in: the same
// behaviour behind one interface.

const policy = { allowPrivateNetworks: true };

async function tarNames(gz: Buffer): Promise<string[]> {
  const names: string[] = [];
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => reader.on('finish', resolve).on('error', reject));
  reader.on('entry', (header, stream, next) => {
    names.push(header.name);
    stream.on('end', next).resume();
  });
  reader.end(gunzipSync(gz));
  await done;
  return names;
}
const stands = { github: new GitHubStandIn(), gitlab: new GitLabStandIn(), 'azure-devops': new AzureDevOpsStandIn('contoso') };
const setups: Record<VcsKind, { repository: string; token: string; identity: string }> = {
  github: { repository: 'acme/infra', token: 'ghp_validtoken', identity: 'octocat' },
  gitlab: { repository: 'acme/platform/infra', token: 'glpat-validtoken', identity: 'alice' },
  'azure-devops': { repository: 'Platform/infra', token: 'azdo-validpat', identity: 'bob@example.com' },
};

beforeAll(async () => {
  await Promise.all(Object.values(stands).map((s) => s.start()));
});
afterAll(async () => {
  await Promise.all(Object.values(stands).map((s) => s.close()));
});

describe.each(Object.keys(setups) as VcsKind[])('%s client', (kind) => {
  const { repository, token, identity } = setups[kind];
  const stand = stands[kind];
  let client: VcsClient;
  let light: string;
  let annotated: string;

  beforeAll(async () => {
    light = stand.git.commit(repository, { 'main.tf': 'output "a" { value = 1 }\n', 'modules/x/main.tf': '' });
    annotated = stand.git.commit(repository, { 'main.tf': 'output "b" { value = 2 }\n' });
    stand.git.setTag(repository, 'v1.0.0', light);
    stand.git.setTag(repository, 'v1.1.0', annotated, { annotated: true });
    client = await openVcsClient({ kind, baseUrl: stand.url, token, policy });
  });

  it('says who the token belongs to, and rejects a bad token as a credentials problem', async () => {
    expect(await client.whoAmI()).toMatchObject({ login: identity });
    const bad = await openVcsClient({ kind, baseUrl: stand.url, token: 'not-a-token', policy });
    await expect(bad.whoAmI()).rejects.toMatchObject({ code: 'vcs_credentials_rejected', message: expect.not.stringContaining('not-a-token') });
  });

  it('lists repositories and tags with the commits they point to (annotated tags peeled)', async () => {
    expect((await client.listRepositories()).map((r) => r.fullName)).toContain(repository);
    expect(await client.listTags(repository)).toEqual(
      expect.arrayContaining([
        { name: 'v1.0.0', commitSha: light },
        { name: 'v1.1.0', commitSha: annotated },
      ]),
    );
  });

  it('resolves a tag to its commit, and a missing tag to null', async () => {
    expect(await client.resolveTag(repository, 'v1.0.0')).toBe(light);
    expect(await client.resolveTag(repository, 'v1.1.0')).toBe(annotated);
    expect(await client.resolveTag(repository, 'v9.9.9')).toBeNull();
  });

  it('downloads the files at a commit in the layout the provider documents', async () => {
    const archive = await client.downloadArchive(repository, light);
    const bytes = await buffer(archive.stream);
    if (archive.format === 'tar.gz') {
      expect(archive.wrapped).toBe(true);
      // Every entry sits under the provider's single top-level directory.
      const names = await tarNames(bytes);
      const top = new Set(names.map((n) => n.split('/')[0]));
      expect(top.size).toBe(1);
      expect(names).toContain(`${[...top][0]}/main.tf`);
    } else {
      expect(archive.wrapped).toBe(false);
      expect(bytes.subarray(0, 2).toString()).toBe('PK');
    }
  });

  it('a repository that does not exist is "not found", not a retryable outage', async () => {
    const missing = kind === 'gitlab' ? 'acme/platform/nothing' : kind === 'github' ? 'acme/nothing' : 'Platform/nothing';
    await expect(client.listTags(missing)).rejects.toMatchObject({ code: 'vcs_not_found' });
  });

  it('installs a webhook', async () => {
    expect((await client.installWebhook(repository, { url: 'https://strata.example.com/webhooks/x', secret: 's3cret' })).id).toBeTruthy();
  });
});
