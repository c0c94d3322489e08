import { createHash, createHmac, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../harness/platform';
import { deliveryLog, eventually, expectStatus, linkModule, moduleFiles, publishedVersion, tofuInstall, versions, type Call } from './helpers';
import { GitHubStandIn } from './stand-ins/github';
import { deliver } from './stand-ins/http';
import { startVcsTestBed, type VcsTestBed } from './test-bed';

// The whole path against a GitHub stand-in driven by the real octokit client: link → webhook tag push (payloads
// from @octokit/webhooks-examples, signed with X-Hub-Signature-256) → commit-pinned version → real `tofu init`.

const REPO = 'acme/infra';
const MODULE = 'acme/network/aws';
let platform: Platform;
let call: Call;
let github: GitHubStandIn;
let tofu: string;
let work: string;
let link: Awaited<ReturnType<typeof linkModule>>;

let bed: VcsTestBed<GitHubStandIn>;

beforeAll(async () => {
  bed = await startVcsTestBed('github', (ca) => new GitHubStandIn(ca).start());
  ({ platform, call, tofu, work, standIn: github } = bed);
  github.git.repository(REPO);
}, 600_000);

afterAll(async () => {
  await bed?.close();
});

describe('publishing from GitHub tags', () => {
  it('saves a connection validated through "who am I", never returning the token', async () => {
    const res = await call('/api/v1/vcs/connections', {
      method: 'POST',
      body: JSON.stringify({ kind: 'github', name: 'GitHub stand-in', baseUrl: github.url, token: 'ghp_validtoken' }),
      headers: { 'content-type': 'application/json' },
    });
    expectStatus(res, 201);
    expect(res.json()).toMatchObject({ kind: 'github', status: 'valid', identity: 'octocat' });
    expect(res.body.toString()).not.toContain('ghp_validtoken');
    const listed = await call('/api/v1/vcs/connections');
    expect(listed.body.toString()).not.toContain('ghp_validtoken');
    const stored = JSON.stringify(await platform.db('vcs_connections').select('*'));
    expect(stored).not.toContain('ghp_validtoken');
    expect(github.server.requests.some((r) => r.path === '/user')).toBe(true);
  });

  it('links a module, installing the webhook with the URL and secret it returns', async () => {
    const [connection] = (await call('/api/v1/vcs/connections')).json().items;
    link = await linkModule(call, MODULE, { connectionId: connection.id, repository: REPO });
    expect(link.webhookUrl).toBe(`${platform.url}/webhooks/github/${link.id}`);
    expect(link.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    await eventually(async () => ((await call(`/api/v1/modules/${MODULE}/vcs`)).json().webhook.status === 'installed' ? true : undefined));
    expect(github.hooks).toEqual([expect.objectContaining({ repository: REPO, url: link.webhookUrl, secret: link.webhookSecret, events: ['push'] })]);
    expect((await call(`/api/v1/modules/${MODULE}/vcs`)).body.toString()).not.toContain(link.webhookSecret);
  });

  it('publishes a pushed tag pinned to its commit, fetched at the commit, and tofu installs it', async () => {
    const sha = github.git.commit(REPO, moduleFiles('v1.0.0 commit one'));
    const [sent] = await github.pushTag(REPO, 'v1.0.0', sha);
    expect(sent!.status, sent!.response).toBe(202);
    const v = await publishedVersion(call, MODULE, '1.0.0');
    expect(v).toMatchObject({ source: 'vcs', commitSha: sha, repository: `${github.url}/${REPO}` });
    // The archive was asked for at the commit id, never at the tag name.
    const archives = github.server.requests.filter((r) => r.path.includes('/tarball/'));
    expect(archives.map((r) => r.path)).toEqual([`/repos/${REPO}/tarball/${sha}`]);
    await deliveryLog(call, MODULE, (d) => d.tag === 'v1.0.0' && d.result === 'published');

    const installed = await tofuInstall({ platform, tofu, dir: join(work, 'v1'), address: MODULE, version: '1.0.0' });
    expect(installed).toContain('hello ${var.name} from v1.0.0 commit one');
  }, 240_000);

  it('a redelivered or replayed webhook publishes nothing twice', async () => {
    const before = (await call(`/api/v1/modules/${MODULE}/vcs/deliveries`)).json().items.length;
    const original = github.deliveries.find((d) => d.body.includes('"refs/tags/v1.0.0"'))!;
    const again = await github.redeliver(original);
    expect(again.status).toBe(202);
    expect(JSON.parse(again.response!)).toMatchObject({ duplicate: true, deliveries: [] });
    // The same signed body under a new delivery id (an attacker replaying a captured request) is recognised too.
    const replay = await deliver({ ...original, id: undefined, headers: { ...original.headers, 'x-github-delivery': randomUUID() } }, await readFile(platform.certificates!.caFile));
    expect(JSON.parse(replay.response!)).toMatchObject({ duplicate: true });
    expect((await call(`/api/v1/modules/${MODULE}/vcs/deliveries`)).json().items).toHaveLength(before);
    expect((await versions(call, MODULE)).filter((v) => v.version === '1.0.0')).toHaveLength(1);
  });

  it('refuses forged, missing and wrongly keyed signatures with 401 and records nothing', async () => {
    const before = (await call(`/api/v1/modules/${MODULE}/vcs/deliveries`)).json().items.length;
    const body = JSON.stringify({ ref: 'refs/tags/v9.9.9', repository: { full_name: REPO } });
    const ca = await readFile(platform.certificates!.caFile);
    const base = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID() };
    const sign = (secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    for (const [url, headers, code] of [
      [link.webhookUrl, base, 'webhook_signature_missing'],
      [link.webhookUrl, { ...base, 'x-hub-signature-256': sign('not the secret') }, 'webhook_signature_invalid'],
      [link.webhookUrl, { ...base, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, 'webhook_signature_invalid'],
      [`${platform.url}/webhooks/github`, { ...base, 'x-hub-signature-256': sign('not the secret') }, 'webhook_signature_invalid'],
      // A signature made for another body does not carry over.
      [link.webhookUrl, { ...base, 'x-hub-signature-256': `sha256=${createHmac('sha256', link.webhookSecret).update(`${body} `).digest('hex')}` }, 'webhook_signature_invalid'],
    ] as const) {
      const res = await deliver({ url, headers: { ...headers }, body }, ca);
      expect(res.status, res.response).toBe(401);
      expect(JSON.parse(res.response!).error.code).toBe(code);
    }
    expect((await call(`/api/v1/modules/${MODULE}/vcs/deliveries`)).json().items).toHaveLength(before);
  });

  it('the shared endpoint finds the link from the repository named in a correctly signed payload', async () => {
    const ca = await readFile(platform.certificates!.caFile);
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1, repository: { full_name: REPO } });
    const res = await deliver({
      url: `${platform.url}/webhooks/github`,
      body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${createHmac('sha256', link.webhookSecret).update(body).digest('hex')}` },
    }, ca);
    expect(res.status, res.response).toBe(202);
    expect(JSON.parse(res.response!)).toMatchObject({ linkId: link.id, deliveries: [{ result: 'ignored' }] });
  });

  it('records and ignores non-tag events and tags that are not release tags', async () => {
    const sha = github.git.commit(REPO, moduleFiles('main branch'));
    const [branch] = await github.pushBranch(REPO, 'main', sha);
    expect(JSON.parse(branch!.response!).deliveries).toEqual([expect.objectContaining({ tag: null, result: 'ignored' })]);
    await github.pushTag(REPO, 'simple-tag', sha);
    const log = await deliveryLog(call, MODULE, (d) => d.tag === 'simple-tag' && d.result === 'not-a-release');
    expect(log.find((d) => d.event === 'push' && d.tag === null)?.detail).toContain('refs/heads/main');
    expect((await versions(call, MODULE)).map((v) => v.version)).toEqual(['1.0.0']);
  });

  it('a tag moved to another commit is recorded as a violation and notified; the version keeps its bytes', async () => {
    const [row] = await platform.db('module_versions').select('*');
    const bytesBefore = createHash('sha256').update(await buffer(await platform.storage.get(row.blob_key))).digest('hex');
    const moved = github.git.commit(REPO, moduleFiles('v1.0.0 REWRITTEN'));
    const [sent] = await github.pushTag(REPO, 'v1.0.0', moved);
    expect(sent!.status).toBe(202);
    await deliveryLog(call, MODULE, (d) => d.tag === 'v1.0.0' && d.result === 'violation');
    const violations = (await call(`/api/v1/modules/${MODULE}/vcs/violations`)).json().items;
    expect(violations).toEqual([expect.objectContaining({ tag: 'v1.0.0', version: '1.0.0', recordedSha: row.commit_sha, observedSha: moved, detectedBy: 'webhook' })]);
    const notifications = await platform.db('notifications').where({ kind: 'vcs.tag-moved' });
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ severity: 'critical' });
    expect(notifications[0].subject).toContain('v1.0.0');

    const [after] = await platform.db('module_versions').select('*');
    expect(after).toMatchObject({ sha256: row.sha256, blob_key: row.blob_key, commit_sha: row.commit_sha });
    expect(createHash('sha256').update(await buffer(await platform.storage.get(after.blob_key))).digest('hex')).toBe(bytesBefore);
    const installed = await tofuInstall({ platform, tofu, dir: join(work, 'v1-after-move'), address: MODULE, version: '1.0.0' });
    expect(installed).toContain('v1.0.0 commit one');
  }, 240_000);

  it('deleting a tag keeps the published version', async () => {
    const [sent] = await github.deleteTag(REPO, 'v1.0.0');
    expect(JSON.parse(sent!.response!).deliveries).toEqual([expect.objectContaining({ tag: 'v1.0.0', result: 'ignored', detail: expect.stringContaining('kept') })]);
    expect((await versions(call, MODULE)).map((v) => v.version)).toEqual(['1.0.0']);
  });
});
