import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch } from './guarded-fetch';

let origin: Server;
let other: Server;
let seen: IncomingHttpHeaders | null = null;
const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

beforeAll(async () => {
  other = createServer((req, res) => {
    seen = req.headers;
    res.end('archive bytes');
  });
  origin = createServer((req, res) => {
    if (req.url === '/same') return void res.writeHead(302, { location: '/final' }).end();
    if (req.url === '/final') {
      seen = req.headers;
      return void res.end('same origin');
    }
    res.writeHead(302, { location: `${url(other)}/codeload` }).end();
  });
  await Promise.all([origin, other].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
});

afterAll(async () => {
  await Promise.all([origin, other].map((s) => new Promise((r) => s.close(r))));
});

describe('guarded fetch', () => {
  it('follows redirects, keeping the token on the same origin and dropping it when leaving it', async () => {
    const fetch = guardedFetch({ allowPrivateNetworks: true });
    const same = await fetch(`${url(origin)}/same`, { headers: { authorization: 'token secret' } });
    expect(await same.text()).toBe('same origin');
    expect(seen?.authorization).toBe('token secret');
    const away = await fetch(`${url(origin)}/tarball`, { headers: { authorization: 'token secret' } });
    expect(await away.text()).toBe('archive bytes');
    expect(seen?.authorization).toBeUndefined();
  });

  it('applies the network policy to every hop', async () => {
    seen = null;
    const fetch = guardedFetch({ allowPrivateNetworks: false, lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    await expect(fetch(`${url(origin)}/tarball`)).rejects.toMatchObject({ code: 'vcs_base_url_forbidden' });
    expect(seen).toBeNull();
  });
});
