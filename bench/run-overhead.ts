import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTarGz } from '../core/registry/archive/test-archives';
import type { RunningPlatform } from './platform-process';

export interface RunOverhead {
  resources: number;
  /** Median seconds of a speculative plan run through Strata (API → queue → workflow → init + plan → stored). */
  strataSeconds: number;
  /** Median seconds of the same `tofu init` + `tofu plan` typed by hand in a directory, same binary. */
  byHandSeconds: number;
  ratio: number;
  samples: number;
}

const RESOURCES = 1000;
const SAMPLES = 3;
const WORKSPACE = 'bench-plan';

const configuration = `resource "terraform_data" "r" {\n  count = ${RESOURCES}\n  input = "resource-\${count.index}"\n}\n`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function run(bin: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: { PATH: process.env.PATH, HOME: cwd, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => (code === 0 || code === 2 ? resolve() : reject(new Error(`${bin} ${args[0]} exited ${code}: ${err.slice(-500)}`))));
  });
}

async function api(platform: RunningPlatform, path: string, init: { method?: string; body?: string | Uint8Array<ArrayBuffer>; type?: string } = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${platform.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${platform.token}`, ...(init.type ? { 'content-type': init.type } : {}) },
    ...(init.body ? { body: init.body } : {}),
  });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/**
 * A 1,000-resource speculative plan through the run workflow versus the same `tofu plan` by hand (init included
 * in both), medians of a few samples, in the same run on the same machine: the ratio is Strata's overhead.
 */
export async function measureRunOverhead(platform: RunningPlatform, tofu: string): Promise<RunOverhead> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-bench-plan-'));
  try {
    await writeFile(join(dir, 'main.tf'), configuration);
    const archive = join(dir, '..', `${WORKSPACE}-${Date.now()}.tar.gz`);
    await writeTarGz(archive, [{ name: 'main.tf', content: configuration }]);
    const { readFile } = await import('node:fs/promises');
    await api(platform, '/api/v1/orgs/default/workspaces', { method: 'POST', type: 'application/json', body: JSON.stringify({ name: WORKSPACE }) });
    await api(platform, `/api/v1/orgs/default/workspaces/${WORKSPACE}/configurations`, { method: 'POST', type: 'application/gzip', body: new Uint8Array(await readFile(archive)) });
    await rm(archive, { force: true });

    const strata: number[] = [];
    const byHand: number[] = [];
    // One untimed round of each warms the provider-free init and the worker's code paths.
    for (let i = 0; i <= SAMPLES; i++) {
      let t = performance.now();
      const { id } = (await api(platform, `/api/v1/orgs/default/workspaces/${WORKSPACE}/runs`, { method: 'POST', type: 'application/json', body: JSON.stringify({ operation: 'plan' }) })) as { id: string };
      for (;;) {
        const r = (await api(platform, `/api/v1/runs/${id}`)) as { status: string; error?: string };
        if (r.status === 'planned' || r.status === 'planned_no_changes') break;
        if (r.status === 'errored') throw new Error(`the benchmark plan failed: ${r.error}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (i > 0) strata.push((performance.now() - t) / 1000);
      t = performance.now();
      await rm(join(dir, '.terraform'), { recursive: true, force: true });
      await run(tofu, ['init', '-input=false', '-no-color'], dir);
      await run(tofu, ['plan', '-input=false', '-no-color', '-out=plan.bin'], dir);
      if (i > 0) byHand.push((performance.now() - t) / 1000);
    }
    const strataSeconds = median(strata);
    const byHandSeconds = median(byHand);
    return { resources: RESOURCES, strataSeconds, byHandSeconds, ratio: strataSeconds / byHandSeconds, samples: SAMPLES };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatRunOverhead(r: RunOverhead): string {
  return [
    `run overhead: a ${r.resources}-resource speculative plan (init + plan), median of ${r.samples}`,
    `  through Strata ${r.strataSeconds.toFixed(2)} s, by hand ${r.byHandSeconds.toFixed(2)} s: ${r.ratio.toFixed(2)}x`,
  ].join('\n');
}
