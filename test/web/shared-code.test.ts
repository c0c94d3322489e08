import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The dashboard shares the server's response shapes and version order. What it imports from outside web/ as
// values (not `import type`) ends up in the browser bundle, so that code must stay pure: zod and semver only.
const root = resolve(import.meta.dirname, '../..');
const webSrc = join(root, 'web/src');

/** Value imports of a source file (type-only imports and re-exports are erased by the compiler). */
function valueImports(text: string): string[] {
  const specs = [...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'";]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
  const bare = [...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((m) => m[1]!);
  return [...specs, ...bare];
}

async function sourceFile(base: string): Promise<string> {
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    try {
      return await readFile(candidate, 'utf8').then(() => candidate);
    } catch {
      // try the next spelling
    }
  }
  throw new Error(`cannot resolve ${relative(root, base)}`);
}

describe('code the dashboard shares with the server', () => {
  it('pulls nothing server-only into the browser: only zod and semver beyond its own files', async () => {
    const entries = (await readdir(webSrc, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && /\.(ts|svelte)$/.test(e.name) && !e.name.endsWith('.test.ts'))
      .map((e) => join(e.parentPath, e.name));
    const shared = new Set<string>();
    const packages = new Set<string>();
    const queue: { file: string; outside: boolean }[] = entries.map((file) => ({ file, outside: false }));
    while (queue.length > 0) {
      const { file, outside } = queue.pop()!;
      for (const spec of valueImports(await readFile(file, 'utf8'))) {
        if (!spec.startsWith('.')) {
          if (outside) packages.add(spec);
          continue;
        }
        const target = await sourceFile(resolve(dirname(file), spec));
        if (target.startsWith(webSrc) || shared.has(target)) continue;
        shared.add(target);
        queue.push({ file: target, outside: true });
      }
    }
    expect([...shared].map((f) => relative(root, f)).sort()).toContain('core/registry/latest-version.ts');
    expect([...packages].filter((p) => p !== 'zod' && !p.startsWith('semver/functions/'))).toEqual([]);
  });
});
