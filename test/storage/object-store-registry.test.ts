import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModule } from '../fixtures/modules';
import { publishTestProvider } from '../fixtures/publish';
import { TEST_PROVIDER } from '../fixtures/provider-release';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startAzurite, startSeaweedFs } from '../harness/object-stores';
import { startPlatform, type Platform } from '../harness/platform';
import { readLockHashes, runTerraformCli, writeConfig } from '../harness/terraform-cli';

// The whole platform on an object store (a real S3 server, then Azurite), proven with a real `tofu init`: the
// registry hands out its own signed links, which redirect to the store with a URL signed for the method.

const { namespace, type, version } = TEST_PROVIDER;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function describeRegistryOn(name: string, startStore: () => Promise<{ env: Record<string, string>; origin: string; stop(): Promise<void> }>) {
  describe(`the registry on ${name}`, () => {
    let store: Awaited<ReturnType<typeof startStore>>;
    let platform: Platform;
    let work: string;
    let host: string;
    let moduleBytes: Buffer;
    let strataHashes: { os: string; arch: string; h1: string; sha256: string }[];

    beforeAll(async () => {
      store = await startStore();
      platform = await startPlatform({ tls: true, env: store.env });
      host = new URL(platform.url).host;
      work = await mkdtemp(join(tmpdir(), 'strata-object-store-'));
      const call = clientFor(platform);

      moduleBytes = (await writeDemoModule(work, '1.0.0')).bytes;
      const mod = await call('/api/v1/modules/acme/demo/aws/1.0.0?wait=true', { method: 'POST', body: moduleBytes, headers: { 'content-type': 'application/gzip' } });
      expect(mod.status, mod.body.toString()).toBe(201);

      strataHashes = await publishTestProvider(call, work);
    }, 600_000);

    afterAll(async () => {
      await platform?.close();
      await store?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('serves a module archive link that answers HEAD and GET without credentials, from the store', async () => {
      const call = clientFor(platform);
      const download = await call('/v1/modules/acme/demo/aws/1.0.0/download');
      expect(download.status).toBe(204);
      const link = download.headers['x-terraform-get'] as string;
      expect(new URL(link).pathname).toMatch(/\.tar\.gz$/);

      for (const method of ['HEAD', 'GET'] as const) {
        const hop = await call(link, { method, token: null });
        expect(hop.status).toBe(302);
        const location = hop.headers.location!;
        expect(location.startsWith(store.origin)).toBe(true);
        expect(new URL(location).pathname).toMatch(/\.tar\.gz$/);
        const res = await fetch(location, { method, redirect: 'error' });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-length')).toBe(String(moduleBytes.length));
        if (method === 'GET') expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(moduleBytes));
      }

      const tampered = new URL(link);
      tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 3600));
      expect((await call(tampered.toString(), { token: null })).status).toBe(403);
    });

    it('lets `tofu init` install a module and the signed provider, with the lock file hashes Strata computed', async () => {
      const dir = join(work, 'init');
      await writeConfig(dir, {
        'main.tf': [
          `terraform {\n  required_providers {\n    time = {\n      source  = "${host}/${namespace}/${type}"\n      version = "${version}"\n    }\n  }\n}\n`,
          `module "demo" {\n  source  = "${host}/acme/demo/aws"\n  version = "1.0.0"\n}\n`,
        ].join('\n'),
      });
      const run = await runTerraformCli({ bin: await tofuBinary(), args: ['init', '-no-color'], cwd: dir, cliConfig: '', caFile: platform.certificates!.caFile });
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/Installed .*time v0\.14\.2 \(signed, key ID [0-9A-F]{16}\)/);
      expect(await readFile(join(dir, '.terraform/modules/demo/main.tf'), 'utf8')).toContain('from 1.0.0');

      const hashes = (await readLockHashes(dir))[`${host}/${namespace}/${type}`];
      const linux = strataHashes.find((p) => p.os === 'linux' && p.arch === 'amd64')!;
      expect(hashes).toContain(linux.h1);
      for (const p of strataHashes) expect(hashes).toContain(`zh:${p.sha256}`);
    });
  });
}

describeRegistryOn('S3 (SeaweedFS)', async () => {
  const s3 = await startSeaweedFs();
  return { env: s3.env, origin: `${s3.endpoint}/${s3.bucket}/`, stop: s3.stop };
});

describeRegistryOn('Azure Blob Storage (Azurite)', async () => {
  const azure = await startAzurite();
  const endpoint = /BlobEndpoint=([^;]+)/.exec(azure.connectionString)![1]!;
  return { env: azure.env, origin: `${endpoint}/${azure.container}/`, stop: azure.stop };
});
