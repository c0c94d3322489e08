import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch } from './guarded-fetch';
import type { NetworkPolicy } from './network-policy';
import { AzureDevOpsClient } from './providers/azure-devops';
import { GitHubClient } from './providers/github';
import { GitLabClient } from './providers/gitlab';

// Two listeners on the same port: 127.0.0.2 plays the public address the policy approves, 127.0.0.1 the
// internal service an attacker wants to reach. They count TCP connections — reaching one at all is what matters.
const ALLOWED = '127.0.0.2';
const INTERNAL = '127.0.0.1';
let port: number;
const servers: Server[] = [];
const reached = { [ALLOWED]: 0, [INTERNAL]: 0 } as Record<string, number>;
const sockets = new Set<Socket>();

beforeAll(async () => {
  const internal = createServer((s) => {
    reached[INTERNAL]!++;
    sockets.add(s);
    s.destroy();
  });
  await new Promise<void>((resolve) => internal.listen(0, INTERNAL, resolve));
  port = (internal.address() as AddressInfo).port;
  const allowed = createServer((s) => {
    reached[ALLOWED]!++;
    sockets.add(s);
    s.destroy();
  });
  await new Promise<void>((resolve, reject) => allowed.once('error', reject).listen(port, ALLOWED, resolve));
  servers.push(internal, allowed);
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/**
 * A DNS-rebinding resolver: the first answers for `localhost` are the approved address, every later one the
 * internal address. (The system resolver would also say 127.0.0.1 for localhost: a connection that resolves
 * the name again by any route ends up on the internal listener.)
 */
function rebindingPolicy(honestAnswers = 1): NetworkPolicy & { lookups: number } {
  const policy = {
    allowPrivateNetworks: false,
    lookups: 0,
    isForbidden: (address: string) => address === INTERNAL,
    lookup: async () => [{ address: policy.lookups++ < honestAnswers ? ALLOWED : INTERNAL, family: 4 }],
  };
  return policy;
}

function reset() {
  reached[ALLOWED] = 0;
  reached[INTERNAL] = 0;
}

describe('the SSRF guard pins connections to the address it checked', () => {
  it('refuses the internal address outright when DNS answers it first', async () => {
    reset();
    const policy = { ...rebindingPolicy(), lookup: async () => [{ address: INTERNAL, family: 4 }] };
    await expect(guardedFetch(policy)(`https://localhost:${port}/`)).rejects.toMatchObject({ code: 'vcs_base_url_forbidden' });
    expect(reached).toEqual({ [ALLOWED]: 0, [INTERNAL]: 0 });
  });

  it('guarded fetch: one resolution per request, and the connection goes to the checked address only', async () => {
    reset();
    const policy = rebindingPolicy();
    // The TLS handshake fails (the listener just hangs up): what matters is where the connection went.
    await expect(guardedFetch(policy)(`https://localhost:${port}/api/v4/user`)).rejects.toThrow();
    expect(policy.lookups).toBe(1);
    expect(reached[INTERNAL]).toBe(0);
    expect(reached[ALLOWED]).toBeGreaterThan(0);
  });

  it('every VCS client (octokit, gitbeaker, azure-devops-node-api) connects only to the checked address', async () => {
    // How many checks each client makes before it connects (GitLab's client checks the base URL up front, then
    // its requester checks the hop): the resolver answers honestly that often, then rebinds.
    const clients: [number, (policy: NetworkPolicy) => GitHubClient | GitLabClient | AzureDevOpsClient][] = [
      [1, (policy) => new GitHubClient({ baseUrl: `https://localhost:${port}/api/v3`, credentials: { token: 't' }, policy })],
      [2, (policy) => new GitLabClient({ baseUrl: `https://localhost:${port}`, token: 't', policy })],
      [1, (policy) => new AzureDevOpsClient({ baseUrl: `https://localhost:${port}/org`, token: 't', policy })],
    ];
    for (const [honest, make] of clients) {
      reset();
      const policy = rebindingPolicy(honest);
      const client = make(policy);
      await expect(client.whoAmI(), client.kind).rejects.toThrow();
      expect(reached[INTERNAL], client.kind).toBe(0);
      expect(reached[ALLOWED], client.kind).toBeGreaterThan(0);
    }
  });
});
