import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('local disk, discarding a staged key', () => {
  it("also removes the partial writes a killed writer left beside it, and the upload's empty folder", async () => {
    await storage.put('staging/killed/analysis.json', Buffer.from('{}'));
    // What a worker SIGKILLed between creating its temp file and renaming it leaves behind.
    await writeFile(join(root, 'staging/killed/analysis.json.0b5e6e1c-1b7d-4a8e-9a51-1e0f6f5d2c11.tmp'), 'partial');
    await mkdir(join(root, 'staging/kept'), { recursive: true });
    await writeFile(join(root, 'staging/kept/other.json.1.tmp'), 'another key');
    await storage.delete('staging/killed/analysis.json');
    expect(await readdir(join(root, 'staging'))).toEqual(['kept']);
    expect(await readdir(join(root, 'staging/kept'))).toEqual(['other.json.1.tmp']);
  });
});
