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

describe('github client as a GitHub App installation', () => {
  const github = stands.github;
  const repository = 'acme/app-infra';
  let privateKey: string;
  let sha: string;

  beforeAll(() => {
    privateKey = github.registerApp('4242', [77]);
    sha = github.git.commit(repository, { 'main.tf': 'output "app" { value = 1 }\n' });
    github.git.setTag(repository, 'v2.0.0', sha);
  });

  const open = (app: { appId?: string; privateKey?: string; installationId?: number } = {}) =>
    openVcsClient({ kind: 'github', baseUrl: github.url, policy, app: { appId: '4242', privateKey, installationId: 77, ...app } });

  it('identifies as the app after exchanging its JWT for an installation token, and works with that token', async () => {
    const client = await open();
    expect(await client.whoAmI()).toEqual({ login: 'strata-app-4242', name: 'Strata app 4242' });
    expect((await client.listRepositories()).map((r) => r.fullName)).toContain(repository);
    expect(await client.listTags(repository)).toContainEqual({ name: 'v2.0.0', commitSha: sha });
    expect(await client.resolveTag(repository, 'v2.0.0')).toBe(sha);
    expect((await buffer((await client.downloadArchive(repository, sha)).stream)).length).toBeGreaterThan(0);
    const minted = github.server.requests.filter((r) => r.method === 'POST' && r.path === '/app/installations/77/access_tokens');
    expect(minted.length).toBeGreaterThanOrEqual(1);
    const repoCalls = github.server.requests.filter((r) => r.path.startsWith(`/repos/${repository}/`));
    expect(repoCalls.every((r) => github.installationTokens.has(String(r.headers.authorization).replace(/^token /i, '')))).toBe(true);
  });

  it('is refused with a key that is not the app’s, or an installation the app does not have', async () => {
    const stranger = new GitHubStandIn().registerApp('1', []);
    await expect((await open({ privateKey: stranger })).whoAmI()).rejects.toMatchObject({ code: 'vcs_credentials_rejected' });
    await expect((await open({ appId: '999' })).whoAmI()).rejects.toMatchObject({ code: 'vcs_credentials_rejected' });
    await expect((await open({ installationId: 78 })).listTags(repository)).rejects.toMatchObject({ code: 'vcs_not_found' });
  });

  it('is for GitHub only', async () => {
    await expect(openVcsClient({ kind: 'gitlab', baseUrl: stands.gitlab.url, policy, app: { appId: '4242', privateKey, installationId: 77 } })).rejects.toMatchObject({
      code: 'vcs_app_auth_unsupported',
    });
  });
});

describe('azure-devops tag listing across pages', () => {
  const azure = stands['azure-devops'];
  const repository = 'Platform/many-tags';

  it('follows x-ms-continuationtoken until every tag is listed and resolved', async () => {
    const sha = azure.git.commit(repository, { 'main.tf': '' });
    const names = Array.from({ length: 8 }, (_, i) => `v1.${i}.0`);
    for (const name of names) azure.git.setTag(repository, name, sha, { annotated: name === 'v1.7.0' });
    azure.refsPageSize = 3;
    try {
      const client = await openVcsClient({ kind: 'azure-devops', baseUrl: azure.url, token: 'azdo-validpat', policy });
      const before = azure.server.requests.length;
      expect((await client.listTags(repository)).map((t) => t.name).sort()).toEqual(names);
      const pages = azure.server.requests.slice(before).filter((r) => r.path.endsWith('/refs'));
      expect(pages).toHaveLength(3);
      expect(pages.filter((r) => r.query.has('continuationToken'))).toHaveLength(2);
      expect(await client.resolveTag(repository, 'v1.7.0')).toBe(sha);
    } finally {
      azure.refsPageSize = 1000;
    }
  });
});
