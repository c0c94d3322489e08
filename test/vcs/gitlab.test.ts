import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../harness/platform';
import { createConnection, deliveryLog, eventually, linkModule, moduleFiles, publishedVersion, tofuInstall, versions, type Call } from './helpers';
import { GitLabStandIn } from './stand-ins/gitlab';
import { deliver } from './stand-ins/http';
import { startVcsTestBed, type VcsTestBed } from './test-bed';

// The whole path against a GitLab stand-in driven by @gitbeaker/rest: a monorepo module (subdirectory and a
// prefixed tag pattern) linked, a documented "Tag Push Hook" verified by X-Gitlab-Token, then `tofu init`.

const PROJECT = 'platform/terraform/monorepo';
const MODULE = 'platform/network/google';
let platform: Platform;
let call: Call;
let gitlab: GitLabStandIn;
let tofu: string;
let work: string;
let link: Awaited<ReturnType<typeof linkModule>>;

let bed: VcsTestBed<GitLabStandIn>;

beforeAll(async () => {
  bed = await startVcsTestBed('gitlab', (ca) => new GitLabStandIn(ca).start());
  ({ platform, call, tofu, work, standIn: gitlab } = bed);
  gitlab.git.repository(PROJECT);
}, 600_000);

afterAll(async () => {
  await bed?.close();
});

describe('publishing from GitLab tags', () => {
  it('links a monorepo module and installs a tag push hook with the secret token', async () => {
    const connection = await createConnection(call, { kind: 'gitlab', name: 'GitLab stand-in', baseUrl: gitlab.url, token: 'glpat-validtoken' });
    expect(connection).toMatchObject({ status: 'valid', identity: 'alice' });
    link = await linkModule(call, MODULE, { connectionId: connection.id, repository: PROJECT, subdirectory: 'modules/network', tagPattern: 'network/vX.Y.Z' });
    await eventually(async () => (gitlab.hooks.length === 1 ? true : undefined));
    expect(gitlab.hooks[0]).toMatchObject({ project: PROJECT, url: link.webhookUrl, token: link.webhookSecret, tagPushEvents: true });
  });

  it('publishes the subdirectory at the tagged commit, and tofu installs it', async () => {
    const sha = gitlab.git.commit(PROJECT, { ...moduleFiles('network 0.3.0', 'modules/network'), 'modules/storage/main.tf': 'output "other" { value = 1 }\n' });
    const [sent] = await gitlab.pushTag(PROJECT, 'network/v0.3.0', sha);
    expect(sent!.status, sent!.response).toBe(202);
    const v = await publishedVersion(call, MODULE, '0.3.0');
    expect(v).toMatchObject({ source: 'vcs', commitSha: sha, repository: `${gitlab.url}/${PROJECT}` });
    const archives = gitlab.server.requests.filter((r) => r.path.endsWith('/repository/archive.tar.gz'));
    expect(archives.map((r) => r.query.get('sha'))).toEqual([sha]);
    const installed = await tofuInstall({ platform, tofu, dir: join(work, 'net'), address: MODULE, version: '0.3.0' });
    expect(installed).toContain('from network 0.3.0');
  }, 240_000);

  it("ignores another module's tags in the same repository", async () => {
    const sha = gitlab.git.commit(PROJECT, moduleFiles('storage', 'modules/storage'));
    await gitlab.pushTag(PROJECT, 'storage/v1.0.0', sha);
    await deliveryLog(call, MODULE, (d) => d.tag === 'storage/v1.0.0' && d.result === 'not-a-release');
    expect((await versions(call, MODULE)).map((v) => v.version)).toEqual(['0.3.0']);
  });

  it('refuses a delivery whose X-Gitlab-Token is wrong or missing', async () => {
    const ca = await readFile(platform.certificates!.caFile);
    const body = JSON.stringify({ object_kind: 'tag_push', ref: 'refs/tags/network/v9.0.0', project: { path_with_namespace: PROJECT } });
    const headers = { 'content-type': 'application/json', 'x-gitlab-event': 'Tag Push Hook', 'x-gitlab-event-uuid': randomUUID() };
    // One character off (never the same character: a secret ending in "0" made the old "wrong" token the right one).
    const secret = link.webhookSecret;
    const wrongToken = `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`;
    const wrong = await deliver({ url: link.webhookUrl, body, headers: { ...headers, 'x-gitlab-token': wrongToken } }, ca);
    expect(wrong.status).toBe(401);
    const missing = await deliver({ url: `${platform.url}/webhooks/gitlab`, body, headers }, ca);
    expect(missing.status).toBe(401);
  });

  it('a deleted tag is recorded and the version stays', async () => {
    const [sent] = await gitlab.deleteTag(PROJECT, 'network/v0.3.0');
    expect(JSON.parse(sent!.response!).deliveries).toEqual([expect.objectContaining({ tag: 'network/v0.3.0', result: 'ignored' })]);
    expect((await versions(call, MODULE)).map((v) => v.version)).toEqual(['0.3.0']);
  });
});
