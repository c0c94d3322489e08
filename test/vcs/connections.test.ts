import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VCS_RECONCILE_SCHEDULE_ID } from '../../workflows/vcs/ids';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { createConnection, deliveryLog, eventually, expectStatus, finished, json, linkModule, moduleFiles, publishedVersion, versions, type Call } from './helpers';
import { GitHubStandIn } from './stand-ins/github';

// Connections (validation, browser, removal), linking (webhook installation, backfill), manual sync and the
// scheduled reconcile that catches missed webhooks and moved tags. A GitHub stand-in over plain http.

let platform: Platform;
let call: Call;
let github: GitHubStandIn;

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_VCS_ALLOW_PRIVATE_NETWORKS: 'true' } });
  call = clientFor(platform);
  github = await new GitHubStandIn().start();
}, 600_000);

afterAll(async () => {
  await github?.close();
  await platform?.close();
});

describe('VCS connections', () => {
  it('records rejected credentials as invalid with the reason, and re-validates on demand', async () => {
    const created = await createConnection(call, { kind: 'github', name: 'not yet valid', baseUrl: github.url, token: 'ghp_later' });
    expect(created).toMatchObject({ status: 'invalid', identity: null, statusReason: expect.stringContaining('rejected the credentials') });
    github.tokens.set('ghp_later', 'hubot');
    const again = await call(`/api/v1/vcs/connections/${created.id}/validate`, { method: 'POST' });
    expectStatus(again, 200);
    expect(again.json()).toMatchObject({ status: 'valid', identity: 'hubot', statusReason: null });
    expect(again.json().validation.workflowId).toBe(`vcs-connection-check:${created.id}`);
  });

  it('authenticates as a GitHub App installation: validated, secrets never shown, and tags publish through it', async () => {
    const privateKey = github.registerApp('31337', [501]);
    const created = await createConnection(call, { kind: 'github', name: 'As an app', baseUrl: github.url, appId: 31337, privateKey, installationId: 501 });
    expect(created).toMatchObject({ status: 'valid', identity: 'strata-app-31337' });
    const keyBody = privateKey.split('\n')[1]!;
    expect(JSON.stringify(created)).not.toContain(keyBody);
    expect((await call(`/api/v1/vcs/connections/${created.id}`)).body.toString()).not.toContain(keyBody);
    expect(JSON.stringify(await platform.db('vcs_connections').select('*'))).not.toContain(keyBody);

    github.git.repository('acme/app-published');
    const link = await linkModule(call, 'acme/apppub/aws', { connectionId: created.id, repository: 'acme/app-published' });
    await finished(call, link.setup.statusUrl);
    const sha = github.git.commit('acme/app-published', moduleFiles('app 1.0.0'));
    const [sent] = await github.pushTag('acme/app-published', 'v1.0.0', sha);
    expect(sent!.status, sent!.response).toBe(202);
    expect(await publishedVersion(call, 'acme/apppub/aws', '1.0.0')).toMatchObject({ commitSha: sha, source: 'vcs' });
    // The archive was fetched with an installation token minted from the app's JWT.
    const archive = github.server.requests.find((r) => r.path === `/repos/acme/app-published/tarball/${sha}`);
    expect(github.installationTokens.get(String(archive?.headers.authorization).replace(/^token /i, ''))).toBe(501);
  }, 180_000);

  it('refuses incomplete, mixed or misplaced GitHub App credentials', async () => {
    const privateKey = github.registerApp('31338', [502]);
    const post = (body: unknown) => call('/api/v1/vcs/connections', { method: 'POST', ...json(body) });
    const app = { appId: '31338', privateKey, installationId: 502 };
    for (const body of [
      { kind: 'github', name: 'mixed', token: 'ghp_validtoken', ...app },
      { kind: 'github', name: 'partial', appId: '31338', installationId: 502 },
      { kind: 'github', name: 'not a key', ...app, privateKey: 'not a pem' },
      { kind: 'gitlab', name: 'app on gitlab', baseUrl: github.url, ...app },
      { kind: 'github', name: 'nothing' },
    ]) {
      expect((await post({ baseUrl: github.url, ...body })).status, body.name).toBe(400);
    }
    const stranger = await createConnection(call, { kind: 'github', name: 'wrong installation', baseUrl: github.url, ...app, installationId: 999 });
    expect(stranger.status).toBe('invalid');
  });

  it('refuses bad input with clear errors', async () => {
    const post = (body: unknown) => call('/api/v1/vcs/connections', { method: 'POST', ...json(body) });
    expect((await post({ kind: 'bitbucket', name: 'x', token: 't' })).status).toBe(400);
    expect((await post({ kind: 'azure-devops', name: 'no org', token: 't' })).json().error.code).toBe('vcs_base_url_required');
    expect((await post({ kind: 'gitlab', name: 'x', baseUrl: 'ftp://example.com', token: 't' })).json().error.code).toBe('vcs_base_url_invalid');
    expect((await call('/api/v1/vcs/connections', { method: 'POST', ...json({ kind: 'github', name: 'x', token: 't' }), token: null })).status).toBe(401);
    await createConnection(call, { kind: 'github', name: 'Duplicate', baseUrl: github.url, token: 'ghp_validtoken' });
    const dup = await post({ kind: 'github', name: 'duplicate', baseUrl: github.url, token: 'ghp_validtoken' });
    expect(dup.status).toBe(409);
    expect(dup.json().error.code).toBe('vcs_connection_exists');
  });

  it('browses repositories and tags with their commits and the versions they would publish', async () => {
    const sha = github.git.commit('acme/browse', moduleFiles('browse'));
    github.git.setTag('acme/browse', 'v1.2.3', sha);
    github.git.setTag('acme/browse', 'nightly', sha);
    const connection = await createConnection(call, { kind: 'github', name: 'Browser', baseUrl: github.url, token: 'ghp_validtoken' });
    const repos = await call(`/api/v1/vcs/connections/${connection.id}/repositories`);
    expectStatus(repos, 200);
    expect(repos.json().items).toContainEqual(expect.objectContaining({ fullName: 'acme/browse', webUrl: `${github.url}/acme/browse` }));
    const tags = await call(`/api/v1/vcs/connections/${connection.id}/tags?repository=acme/browse`);
    expectStatus(tags, 200);
    expect(tags.json().items).toEqual(
      expect.arrayContaining([
        { name: 'v1.2.3', commitSha: sha, version: '1.2.3' },
        { name: 'nightly', commitSha: sha, version: null },
      ]),
    );
    const missing = await call(`/api/v1/vcs/connections/${connection.id}/tags?repository=acme/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.json().error.code).toBe('vcs_not_found');
  });

  it('cannot remove a connection that links use; can remove an unused one', async () => {
    const used = await createConnection(call, { kind: 'github', name: 'In use', baseUrl: github.url, token: 'ghp_validtoken' });
    github.git.repository('acme/in-use');
    await linkModule(call, 'acme/inuse/aws', { connectionId: used.id, repository: 'acme/in-use' });
    const refused = await call(`/api/v1/vcs/connections/${used.id}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.json().error.code).toBe('vcs_connection_in_use');
    const spare = await createConnection(call, { kind: 'github', name: 'Spare', baseUrl: github.url, token: 'ghp_validtoken' });
    expectStatus(await call(`/api/v1/vcs/connections/${spare.id}`, { method: 'DELETE' }), 204);
    expect((await call(`/api/v1/vcs/connections/${spare.id}`)).status).toBe(404);
  });
});

describe('linking', () => {
  let connectionId: string;
  beforeAll(async () => {
    connectionId = (await createConnection(call, { kind: 'github', name: 'Linking', baseUrl: github.url, token: 'ghp_validtoken' })).id;
  });

  it('validates the link request', async () => {
    const post = (address: string, body: unknown) => call(`/api/v1/modules/${address}/vcs`, { method: 'POST', ...json(body) });
    expect((await post('acme/bad/aws', { connectionId, repository: 'no-slash' })).json().error.code).toBe('vcs_repository_invalid');
    expect((await post('acme/bad/aws', { connectionId, repository: 'acme/x', tagPattern: 'release-*' })).json().error.code).toBe('vcs_tag_pattern_invalid');
    expect((await post('acme/bad/aws', { connectionId, repository: 'acme/x', subdirectory: '../etc' })).json().error.code).toBe('vcs_subdirectory_invalid');
    expect((await post('acme/bad/aws', { connectionId: '00000000-0000-4000-8000-000000000000', repository: 'acme/x' })).status).toBe(404);
    // Nothing was created by the refused requests.
    expect((await call('/api/v1/modules/acme/bad/aws')).status).toBe(404);
  });

  it('backfills the release tags already in the repository', async () => {
    const one = github.git.commit('acme/backfill', moduleFiles('0.1.0'));
    const two = github.git.commit('acme/backfill', moduleFiles('0.2.0'));
    github.git.setTag('acme/backfill', 'v0.1.0', one);
    github.git.setTag('acme/backfill', 'v0.2.0', two, { annotated: true });
    github.git.setTag('acme/backfill', 'experiment', two);
    const link = await linkModule(call, 'acme/backfill/aws', { connectionId, repository: 'acme/backfill' });
    const setup = await finished(call, link.setup.statusUrl);
    expect(setup).toMatchObject({ status: 'completed', result: { webhook: { status: 'installed' }, backfill: { releaseTags: 2, started: 2, outcomes: { published: 2 } } } });
    expect((await versions(call, 'acme/backfill/aws')).map((v) => [v.version, v.commitSha]).sort()).toEqual([
      ['0.1.0', one],
      ['0.2.0', two],
    ]);
    expect((await call('/api/v1/modules/acme/backfill/aws/vcs', { method: 'POST', ...json({ connectionId, repository: 'acme/backfill' }) })).json().error.code).toBe('vcs_link_exists');
  });

  it('shows the URL and secret to paste when the provider refuses to install the webhook', async () => {
    github.allowHooks = false;
    try {
      github.git.repository('acme/no-hooks');
      const link = await linkModule(call, 'acme/nohooks/aws', { connectionId, repository: 'acme/no-hooks' });
      await finished(call, link.setup.statusUrl);
      const shown = (await call('/api/v1/modules/acme/nohooks/aws/vcs')).json();
      expect(shown).toMatchObject({ webhookUrl: link.webhookUrl, webhook: { status: 'manual', error: expect.stringContaining('GitHub') } });
    } finally {
      github.allowHooks = true;
    }
  });

  it('a manual sync publishes tags not published yet', async () => {
    github.git.repository('acme/sync');
    await linkModule(call, 'acme/sync/aws', { connectionId, repository: 'acme/sync' });
    const sha = github.git.commit('acme/sync', moduleFiles('sync 1.0.0'));
    github.git.setTag('acme/sync', '1.0.0', sha);
    const sync = await eventually(async () => {
      const res = await call('/api/v1/modules/acme/sync/aws/vcs/sync?wait=true', { method: 'POST' });
      // The link's own backfill may still hold the sync workflow ID for a moment.
      return res.status === 200 && !res.json().alreadyRunning ? res.json() : undefined;
    });
    expect(sync).toMatchObject({ workflowId: expect.stringMatching(/^vcs-sync:/), releaseTags: 1 });
    expect(await publishedVersion(call, 'acme/sync/aws', '1.0.0')).toMatchObject({ commitSha: sha });
  });
});

describe('scheduled reconcile', () => {
  it('publishes a tag whose webhook never arrived and records a tag moved behind our back', async () => {
    const connectionId = (await createConnection(call, { kind: 'github', name: 'Reconcile', baseUrl: github.url, token: 'ghp_validtoken' })).id;
    const first = github.git.commit('acme/recon', moduleFiles('recon 1.0.0'));
    github.git.setTag('acme/recon', 'v1.0.0', first);
    const link = await linkModule(call, 'acme/recon/aws', { connectionId, repository: 'acme/recon' });
    await finished(call, link.setup.statusUrl);
    expect(await publishedVersion(call, 'acme/recon/aws', '1.0.0')).toMatchObject({ commitSha: first });

    // Changes the provider made without telling us: a new tag, and the old tag force-moved.
    const second = github.git.commit('acme/recon', moduleFiles('recon 1.1.0'));
    github.git.setTag('acme/recon', 'v1.1.0', second);
    github.git.setTag('acme/recon', 'v1.0.0', second);

    const schedule = platform.temporal.schedule.getHandle(VCS_RECONCILE_SCHEDULE_ID);
    const described = await schedule.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileVcsLinks' });
    await schedule.trigger();
    expect(await publishedVersion(call, 'acme/recon/aws', '1.1.0')).toMatchObject({ commitSha: second });
    const violations = await eventually(async () => {
      const items = (await call('/api/v1/modules/acme/recon/aws/vcs/violations')).json().items;
      return items.length ? items : undefined;
    });
    expect(violations).toEqual([expect.objectContaining({ tag: 'v1.0.0', recordedSha: first, observedSha: second, detectedBy: 'reconcile' })]);
    expect((await versions(call, 'acme/recon/aws')).find((v) => v.version === '1.0.0')).toMatchObject({ commitSha: first });
    expect(await platform.db('notifications').where({ kind: 'vcs.tag-moved' })).toHaveLength(1);
    // Reconciles show up in no delivery log: nothing was delivered.
    await expect(deliveryLog(call, 'acme/recon/aws', () => true, 500)).rejects.toThrow(/timed out/);
  }, 180_000);
});
