import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProduction } from './harness/production';

// Idle memory: every package a process imports at start-up stays resident (~15-25 MB each for the SDKs below),
// so SDKs only some installations or some requests need are imported where they are used (`await import`).
const root = join(import.meta.dirname, '..');

/** Loaded on first use only: storage backends, VCS provider SDKs, OpenPGP, password hashing, OpenID Connect. */
const LAZY_PACKAGES = ['@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner', '@azure/storage-blob', 'octokit', '@gitbeaker/rest', 'azure-devops-node-api', 'openpgp', 'undici', '@node-rs/argon2', 'openid-client'];

/** Static (value) imports and re-exports of one file: what loading it loads. Type-only ones and `import()` are not. */
function staticImports(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm)) {
    if (!m[2]) specs.push(m[3]!);
  }
  return specs;
}

function resolveSource(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  return null;
}

/** Packages the entry point loads at start-up, each with the chain of files that pulls it in. */
async function startupPackages(entry: string): Promise<Map<string, string[]>> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const queue: { file: string; chain: string[] }[] = [{ file: join(root, entry), chain: [entry] }];
  while (queue.length > 0) {
    const { file, chain } = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(await readFile(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const next = resolveSource(file, spec);
        if (next) queue.push({ file: next, chain: [...chain, relative(root, next)] });
      } else if (!spec.startsWith('node:')) {
        const name = spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
        if (!packages.has(name)) packages.set(name, chain);
      }
    }
  }
  return packages;
}

describe('start-up imports', () => {
  for (const entry of ['api/server.ts', 'temporal/dev-all.ts']) {
    it(`${entry} loads no optional SDK before it is used`, async () => {
      const packages = await startupPackages(entry);
      expect(packages.has('koa') && packages.has('@temporalio/client'), 'the walk follows the real import graph').toBe(true);
      const loaded = LAZY_PACKAGES.filter((p) => packages.has(p)).map((p) => `${p} via ${packages.get(p)!.join(' → ')}`);
      expect(loaded).toEqual([]);
    });
  }
});

/** Static imports of one compiled bundle file (esbuild's output: `import … from "…"` lines at the top level). */
function bundleImports(text: string): string[] {
  return [...text.matchAll(/^(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?"([^"]+)";?$/gm)].map((m) => m[1]!);
}

/** Packages `node <bundle>` loads before running anything: its static imports and those of the chunks it loads. */
async function bundleStartupPackages(entry: string): Promise<Map<string, string[]>> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const queue = [{ file: entry, chain: [relative(dirname(entry), entry)] }];
  while (queue.length > 0) {
    const { file, chain } = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of bundleImports(await readFile(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const next = resolve(dirname(file), spec);
        queue.push({ file: next, chain: [...chain, relative(dirname(entry), next)] });
      } else if (!spec.startsWith('node:')) {
        const name = spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
        if (!packages.has(name)) packages.set(name, chain);
      }
    }
  }
  return packages;
}

// The production build must keep the same imports lazy: a bundler that inlines an `await import()`d module hoists
// its package imports to the top of the bundle (deploy/build.ts splits code to prevent it).
describe('start-up imports of the production build', () => {
  let build: Awaited<ReturnType<typeof buildProduction>>;
  beforeAll(async () => {
    build = await buildProduction();
  }, 180_000);
  afterAll(() => build?.remove());

  it('dist/api.mjs loads no optional SDK before it is used', async () => {
    const packages = await bundleStartupPackages(join(build.dir, 'api.mjs'));
    expect(packages.has('koa') && packages.has('@temporalio/client'), 'the walk follows the real import graph').toBe(true);
    const loaded = LAZY_PACKAGES.filter((p) => packages.has(p)).map((p) => `${p} via ${packages.get(p)!.join(' → ')}`);
    expect(loaded).toEqual([]);
  });
});
