import { randomUUID } from 'node:crypto';
import { findOrgByName } from '../../core/db/repos/organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionTokenContext, insertVcsConnection } from '../../core/db/repos/vcs-connections';
import { createVcsRuntime } from '../../core/vcs/runtime';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { finished, json, type Call } from './helpers';
import { GitHubStandIn } from './stand-ins/github';

// SSRF: with the operator switch off (the default), connection base URLs that reach loopback, link-local or
// private addresses are refused when saved, and again by the worker before every provider call.

let platform: Platform;
let call: Call;
let github: GitHubStandIn;

beforeAll(async () => {
  platform = await startPlatform();
  call = clientFor(platform);
  github = await new GitHubStandIn().start();
}, 600_000);

afterAll(async () => {
  await github?.close();
  await platform?.close();
});

describe('VCS base URLs without STRATA_VCS_ALLOW_PRIVATE_NETWORKS', () => {
  it('refuses loopback, link-local and private destinations, and plain http', async () => {
    for (const baseUrl of [github.url, 'https://127.0.0.1:8443', 'https://localhost/api/v3', 'https://169.254.169.254', 'https://[::1]', 'https://10.0.0.8', 'https://192.168.1.20/gitlab', 'http://git.example.com']) {
      const res = await call('/api/v1/vcs/connections', { method: 'POST', ...json({ kind: 'gitlab', name: `ssrf ${baseUrl}`, baseUrl, token: 'glpat-x' }) });
      expect(res.status, baseUrl).toBe(400);
      expect(res.json().error.code, baseUrl).toBe('vcs_base_url_forbidden');
    }
    expect((await call('/api/v1/vcs/connections')).json().items).toEqual([]);
    // Not a single request reached the stand-in on loopback.
    expect(github.server.requests).toEqual([]);
  });

  it('the worker refuses too, for a connection saved before the switch was turned off', async () => {
    const runtime = await createVcsRuntime(platform.config);
    const id = randomUUID();
    const org = (await findOrgByName(platform.db, 'default'))!;
    await insertVcsConnection(platform.db, { id, org_id: org.id, kind: 'github', name: 'saved earlier', base_url: github.url, token_sealed: runtime.secrets.seal('ghp_validtoken', connectionTokenContext(id)) });
    const res = await call(`/api/v1/vcs/connections/${id}/validate`, { method: 'POST' });
    const status = res.status === 202 ? await finished(call, res.json().validation.statusUrl) : null;
    const connection = (await call(`/api/v1/vcs/connections/${id}`)).json();
    expect(connection, JSON.stringify(status)).toMatchObject({ status: 'invalid', statusReason: expect.stringContaining('STRATA_VCS_ALLOW_PRIVATE_NETWORKS') });
    expect(github.server.requests).toEqual([]);
  });
});
