import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobRoute } from '../../api/protocol/blob-route';
import { describeStorageContract } from './contract';
import { LocalStorage } from './local';

// Local storage's signed URLs are the registry's own links: they are served here by the API's real blob route.
let root: string;
let server: Server;
let storage: LocalStorage;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'strata-local-storage-'));
  const secret = randomBytes(32).toString('hex');
  let serve: ReturnType<typeof createBlobRoute> | null = null;
  server = createServer((req, res) => void serve!(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  storage = new LocalStorage(root, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, secret);
  serve = createBlobRoute({ storage, signingSecret: secret });
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  if (root) await rm(root, { recursive: true, force: true });
});

describeStorageContract('local disk', () => storage);

describe('local disk, writes in progress', () => {
  it('keeps temp files out of the key folders, so a killed writer leaves nothing among the blobs or staged uploads, only a partial the sweep removes', async () => {
    let tempFolder: string[] = [];
    const body = new Readable({
      read() {
        // Mid-write: the temp file exists, the key does not.
        void readdir(join(root, '.partial')).then((names) => {
          tempFolder = names;
          this.push(Buffer.from('bytes'));
          this.push(null);
        });
      },
    });
    await storage.put('sha256/ab/abcdef.zip', body);
    expect(tempFolder).toHaveLength(1);
    expect(tempFolder[0]).toMatch(/^[0-9a-f-]{36}\.tmp$/);
    expect(await readdir(join(root, 'sha256/ab'))).toEqual(['abcdef.zip']);
    expect(await readdir(join(root, '.partial'))).toEqual([]);

    // What a writer SIGKILLed between creating its temp file and renaming it leaves behind, hours ago.
    const partial = join(root, '.partial/0b5e6e1c-1b7d-4a8e-9a51-1e0f6f5d2c11.tmp');
    await writeFile(partial, 'partial');
    const old = new Date(Date.now() - 3 * 3_600_000);
    await utimes(partial, old, old);
    expect(await storage.deleteOlderThan(storage.capabilities.partialWritesPrefix!, new Date(Date.now() - 3_600_000))).toBeGreaterThanOrEqual(1);
    expect(await readdir(join(root, '.partial'))).toEqual([]);
  });

  it("discarding a staged key takes the upload's empty folder with it", async () => {
    await storage.put('staging/killed/analysis.json', Buffer.from('{}'));
    await storage.put('staging/kept/other.json', Buffer.from('another key'));
    await storage.delete('staging/killed/analysis.json');
    expect(await readdir(join(root, 'staging'))).toEqual(['kept']);
  });
});
