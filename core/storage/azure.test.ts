import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, startTcpProxy, type AzureTestServer } from '../../test/harness/object-stores';
import { AzureBlobStorage } from './azure';
import { describeStorageContract } from './contract';

// The Azure backend against Azurite, Microsoft's Azure Storage emulator, on a loopback port.
let server: AzureTestServer;
const blobEndpoint = () => /BlobEndpoint=([^;]+)/.exec(server.connectionString)![1]!;

beforeAll(async () => {
  server = await startAzurite();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describeStorageContract('Azure Blob Storage (Azurite)', () => new AzureBlobStorage({ connectionString: server.connectionString, container: server.container }));

describe('Azure storage specifics', () => {
  it('connects with an account name and key as well as with a connection string', async () => {
    const key = /AccountKey=([^;]+)/.exec(server.connectionString)![1]!;
    const storage = new AzureBlobStorage({ container: server.container, account: { name: 'strata', key, endpoint: blobEndpoint() } });
    await storage.put('account/file.sig', Buffer.from('signed'));
    expect(await storage.stat('account/file.sig')).toEqual({ size: 6 });
  });

  it('answers GET and HEAD on one SAS URL, written for the public endpoint clients reach the store under', async () => {
    const origin = new URL(blobEndpoint());
    const proxy = await startTcpProxy(Number(origin.port));
    const publicEndpoint = `http://127.0.0.1:${proxy.port}${origin.pathname}`;
    try {
      const storage = new AzureBlobStorage({ connectionString: server.connectionString, container: server.container, publicEndpoint });
      await storage.put('public/module.tar.gz', Buffer.from('through the public endpoint'));
      const url = await storage.signedUrl('public/module.tar.gz', { expiresAt: new Date(Date.now() + 60_000) });
      expect(url.startsWith(`${publicEndpoint}/${server.container}/public/module.tar.gz?`)).toBe(true);
      const get = await fetch(url);
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toBe('application/gzip');
      expect(await get.text()).toBe('through the public endpoint');
      const head = await fetch(url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('27');
    } finally {
      await proxy.stop();
    }
  });

  it('refuses a configuration whose credential cannot sign URLs', () => {
    const sasOnly = `BlobEndpoint=${blobEndpoint()};SharedAccessSignature=sv=2020-08-04&sig=abc`;
    expect(() => new AzureBlobStorage({ connectionString: sasOnly, container: server.container })).toThrow(/account key/);
  });
});
