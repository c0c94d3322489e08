import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../harness/platform';
import { createConnection, eventually, linkModule, moduleFiles, publishedVersion, tofuInstall, type Call } from './helpers';
import { AzureDevOpsStandIn } from './stand-ins/azure-devops';
import { deliver } from './stand-ins/http';
import { startVcsTestBed, type VcsTestBed } from './test-bed';

// The whole path against an Azure DevOps stand-in driven by azure-devops-node-api (location negotiation
// included): a service hook subscription with basic auth, a documented `git.push` event for an annotated tag,
// the zip of the repository at the peeled commit, then `tofu init`.

const REPO = 'Infrastructure/terraform-azurerm-network';
const MODULE = 'contoso/network/azurerm';
let platform: Platform;
let call: Call;
let azure: AzureDevOpsStandIn;
let tofu: string;
let work: string;
let link: Awaited<ReturnType<typeof linkModule>>;

let bed: VcsTestBed<AzureDevOpsStandIn>;

beforeAll(async () => {
  bed = await startVcsTestBed('azure', (ca) => new AzureDevOpsStandIn('contoso', ca).start());
  ({ platform, call, tofu, work, standIn: azure } = bed);
  azure.git.repository(REPO);
}, 600_000);

afterAll(async () => {
  await bed?.close();
});

describe('publishing from Azure DevOps tags', () => {
  it('links a module through a service hook subscription with basic-auth credentials', async () => {
    const connection = await createConnection(call, { kind: 'azure-devops', name: 'Azure DevOps stand-in', baseUrl: azure.url, token: 'azdo-validpat' });
    expect(connection).toMatchObject({ status: 'valid', identity: 'bob@example.com' });
    link = await linkModule(call, MODULE, { connectionId: connection.id, repository: REPO });
    expect(link.webhookUsername).toBe('strata');
    await eventually(async () => (azure.subscriptions.length === 1 ? true : undefined));
    expect(azure.subscriptions[0]).toMatchObject({ url: link.webhookUrl, username: 'strata', password: link.webhookSecret });
  });

  it('publishes an annotated tag at its peeled commit, and tofu installs it', async () => {
    const sha = azure.git.commit(REPO, moduleFiles('azure 2.1.0'));
    const [sent] = await azure.pushTag(REPO, 'v2.1.0', sha);
    expect(sent!.status, sent!.response).toBe(202);
    const v = await publishedVersion(call, MODULE, '2.1.0');
    expect(v).toMatchObject({ source: 'vcs', commitSha: sha, repository: `${azure.url}/Infrastructure/_git/terraform-azurerm-network` });
    const zips = azure.server.requests.filter((r) => r.path.endsWith('/items'));
    expect(zips.map((r) => r.query.get('versionDescriptor.version'))).toEqual([sha]);
    const installed = await tofuInstall({ platform, tofu, dir: join(work, 'net'), address: MODULE, version: '2.1.0' });
    expect(installed).toContain('from azure 2.1.0');
  }, 240_000);

  it('refuses deliveries with wrong basic-auth credentials', async () => {
    const ca = await readFile(platform.certificates!.caFile);
    const original = azure.deliveries[0]!;
    for (const credentials of [`strata:${'0'.repeat(64)}`, `someone:${link.webhookSecret}`]) {
      const res = await deliver({ url: link.webhookUrl, body: original.body, headers: { ...original.headers, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } }, ca);
      expect(res.status).toBe(401);
    }
  });
});
