import { join } from 'node:path';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { writeTarGz } from '../../core/registry/archive/test-archives';
import type { TestResponse } from '../harness/http';

type Call = (path: string, init?: { method?: string; body?: Buffer | string; headers?: Record<string, string>; token?: string | null }) => Promise<TestResponse>;
const json = { 'content-type': 'application/json' };

/** A root module as a tar.gz: `files` maps names to contents. */
export async function configurationArchive(files: Record<string, string>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-config-'));
  const file = join(dir, 'configuration.tar.gz');
  await writeTarGz(file, Object.entries(files).map(([name, content]) => ({ name, content })));
  return readFile(file);
}

export async function createWorkspace(call: Call, token: string, org: string, body: Record<string, unknown>): Promise<string> {
  const res = await call(`/api/v1/orgs/${org}/workspaces`, { method: 'POST', token, headers: json, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`workspace: ${res.status} ${res.body.toString()}`);
  return res.json().id;
}

export async function uploadConfiguration(call: Call, token: string, org: string, ws: string, archive: Buffer): Promise<TestResponse> {
  return call(`/api/v1/orgs/${org}/workspaces/${ws}/configurations`, { method: 'POST', token, headers: { 'content-type': 'application/gzip' }, body: archive });
}

export async function startRun(call: Call, token: string, org: string, ws: string, body: Record<string, unknown>): Promise<{ id: string; workflowId: string }> {
  const res = await call(`/api/v1/orgs/${org}/workspaces/${ws}/runs`, { method: 'POST', token, headers: json, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`run: ${res.status} ${res.body.toString()}`);
  return res.json();
}

/** Polls the run until its status is one of `statuses` (or fails with its log after `timeoutMs`). */
export async function waitForRun(call: Call, token: string, id: string, statuses: string[], timeoutMs = 120_000): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, any> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  while (Date.now() < deadline) {
    last = (await call(`/api/v1/runs/${id}`, { token })).json();
    if (statuses.includes(last.status)) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  const logs = (await call(`/api/v1/runs/${id}/logs`, { token })).body.toString();
  throw new Error(`run ${id} stayed ${last.status} (wanted ${statuses.join('|')}): ${JSON.stringify(last)}\n${logs.slice(-3000)}`);
}
