import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
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
