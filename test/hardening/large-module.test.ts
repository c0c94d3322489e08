import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTarGz, type TarEntry } from '../../core/registry/archive/test-archives';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';

// No workflow or activity payload may approach Temporal's payload limit (2 MB by default): a module's analysis
// (READMEs of the root, submodules and examples — each up to 1 MiB) travels by reference, not in the history.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;

beforeAll(async () => {
  platform = await startPlatform();
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-large-module-'));
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Prose that does not repeat (so nothing downstream can shortcut it), `bytes` long. */
function prose(marker: string, bytes: number): string {
  const lines: string[] = [`# ${marker}\n\nA module documented at length.\n`];
  let size = lines[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const line = `Line ${i} of ${marker}: ${((i * 2654435761) % 4294967296).toString(36)} explains one more detail.\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('');
}

async function moduleWithReadmes(version: string, submodules: number): Promise<Buffer> {
  const entries: TarEntry[] = [
    { name: 'README.md', content: prose('root', 3 * 1024 * 1024) },
    { name: 'main.tf', content: 'variable "name" {\n  type = string\n}\n\noutput "name" {\n  value = var.name\n}\n' },
  ];
  for (let i = 0; i < submodules; i++) {
    entries.push({ name: `modules/part${i}/README.md`, content: prose(`part${i}`, 1024 * 1024 + 10) });
    entries.push({ name: `modules/part${i}/main.tf`, content: `output "part" {\n  value = ${i}\n}\n` });
  }
  const file = join(work, `large-${version}-${submodules}.tar.gz`);
  await writeTarGz(file, entries);
  return readFile(file);
}

async function stagingLeft(): Promise<string[]> {
  const s = platform.config.storage;
  if (s.kind !== 'local') throw new Error('expects local storage');
  return readdir(join(s.dir, 'staging'), { recursive: true }).then((e) => e.map(String), () => []);
}

describe('a module with megabytes of documentation', () => {
  it('publishes (a 3 MB README and three 1 MiB submodule READMEs), its history carries no README', async () => {
    const bytes = await moduleWithReadmes('1.0.0', 3);
    const res = await call('/api/v1/modules/acme/large/aws/1.0.0?wait=true', { method: 'POST', body: bytes, headers: { 'content-type': 'application/gzip' } });
    expect(res.status, res.body.toString().slice(0, 500)).toBe(201);

    const view = await call('/api/v1/modules/acme/large/aws/1.0.0');
    expect(view.status).toBe(200);
    const analysis = view.json().analysis as { root: { readme: string }; submodules: { readme: string }[] };
    expect(analysis.root.readme.startsWith('# root')).toBe(true);
    // READMEs are cut at 1 MiB each (core/registry/module-analysis).
    expect(analysis.root.readme.length).toBe(1024 * 1024);
    expect(analysis.submodules).toHaveLength(3);

    const history = await platform.temporal.workflow.getHandle('module-publish:acme/large/aws/1.0.0').fetchHistory();
    const historyBytes = JSON.stringify(history).length;
    expect(historyBytes).toBeLessThan(256 * 1024);
    expect(await stagingLeft()).toEqual([]);
  }, 120_000);

  it('refuses an analysis too large to serve with a 4xx that says why, quickly and without leftovers', async () => {
    const bytes = await moduleWithReadmes('2.0.0', 9);
    const started = Date.now();
    const res = await call('/api/v1/modules/acme/large/aws/2.0.0?wait=true', { method: 'POST', body: bytes, headers: { 'content-type': 'application/gzip' } });
    expect(res.status, res.body.toString().slice(0, 500)).toBe(422);
    expect(res.json().error.code).toBe('module_analysis_too_large');
    expect(res.json().error.message).toMatch(/README/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await stagingLeft()).toEqual([]);
  }, 120_000);
});
