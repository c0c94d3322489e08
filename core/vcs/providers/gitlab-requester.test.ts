import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GitLabClient } from './gitlab';

// @gitbeaker/rest follows redirects with the global fetch on its own; Strata's requester must check every hop
// against the network policy. The guard's transport (undici's fetch) is replaced by a fake internet (with the
// switch off, the real loopback stand-ins are unreachable by design), which follows redirects itself unless
// asked not to.
const transport = vi.hoisted(() => ({ fetch: null as null | ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) }));
vi.mock('undici', async (importOriginal) => ({
  ...(await importOriginal<typeof import('undici')>()),
  fetch: (input: string | URL | Request, init?: RequestInit) => transport.fetch!(input, init),
}));

const SHA = 'a'.repeat(40);
const addresses: Record<string, string> = {
  'gitlab.example.test': '93.184.216.34',
  'objects.example.test': '93.184.216.35',
  'internal.example.test': '10.0.0.8',
};
const policy = { allowPrivateNetworks: false, lookup: async (host: string) => (addresses[host] ? [{ address: addresses[host], family: 4 }] : []) };
const archivePath = (project: string) => `https://gitlab.example.test/api/v4/projects/${encodeURIComponent(project)}/repository/archive.tar.gz?sha=${SHA}`;
const redirects: Record<string, string> = {
  [archivePath('acme/metadata')]: 'https://169.254.169.254/latest/meta-data/iam',
  [archivePath('acme/internal')]: 'https://internal.example.test/archive.tar.gz',
  [archivePath('acme/objects')]: 'https://objects.example.test/archive.tar.gz',
};

let seen: { url: string; headers: Headers }[];

async function fakeInternet(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  seen.push({ url, headers });
  const location = redirects[url];
  if (location) {
    // Like fetch's own redirect handling, which keeps every header but Authorization across origins.
    if ((init?.redirect ?? (input instanceof Request ? input.redirect : 'follow')) === 'follow') {
      headers.delete('authorization');
      return fakeInternet(location, { ...init, headers });
    }
    return new Response(null, { status: 302, headers: { location } });
  }
  return new Response(Buffer.from('archive bytes'), { status: 200, headers: { 'content-type': 'application/octet-stream' } });
}

beforeEach(() => {
  seen = [];
  transport.fetch = fakeInternet;
});
afterEach(() => {
  transport.fetch = null;
});

describe('GitLab requests with STRATA_VCS_ALLOW_PRIVATE_NETWORKS off', () => {
  const client = () => new GitLabClient({ baseUrl: 'https://gitlab.example.test', token: 'glpat-secret', policy });

  it('refuses a redirect to a link-local or private address without requesting it', async () => {
    for (const project of ['acme/metadata', 'acme/internal']) {
      await expect(client().downloadArchive(project, SHA), project).rejects.toMatchObject({ code: 'vcs_base_url_forbidden' });
    }
    expect(seen.map((s) => new URL(s.url).host)).toEqual(['gitlab.example.test', 'gitlab.example.test']);
  });

  it('follows a redirect to a public host, without sending it the token', async () => {
    const archive = await client().downloadArchive('acme/objects', SHA);
    expect((await buffer(archive.stream)).toString()).toBe('archive bytes');
    expect(seen.map((s) => [s.url, s.headers.get('private-token')])).toEqual([
      [archivePath('acme/objects'), 'glpat-secret'],
      ['https://objects.example.test/archive.tar.gz', null],
    ]);
  });
});
