import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// House rules that keep workflows deterministic and the layers apart, checked on the source itself.
const root = join(import.meta.dirname, '..');

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

function imports(text: string): { spec: string; typeOnly: boolean }[] {
  return [...text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)].map((m) => ({ spec: m[2]!, typeOnly: Boolean(m[1]) }));
}

describe('architecture', () => {
  it('workflow code imports only the workflow SDK, @temporalio/common, other workflow files, presets, search attributes, and activities as types', async () => {
    const offenders: string[] = [];
    for (const file of await sources('workflows')) {
      for (const { spec, typeOnly } of imports(await readFile(join(root, file), 'utf8'))) {
        const allowed =
          spec === '@temporalio/workflow' ||
          spec === '@temporalio/common' ||
          spec.startsWith('./') ||
          (spec.startsWith('../') && !spec.includes('activities') && !spec.includes('core') && !spec.includes('api') && (spec.endsWith('/temporal/presets') || spec.endsWith('/temporal/search-attributes') || !spec.includes('temporal'))) ||
          (typeOnly && spec.includes('/activities/'));
        if (!allowed) offenders.push(`${file}: ${spec}${typeOnly ? ' (type)' : ''}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('only core/config.ts reads process.env in application code', async () => {
    const offenders: string[] = [];
    for (const dir of ['api', 'activities', 'workflows', 'temporal', 'core', 'migrations']) {
      for (const file of await sources(dir)) {
        if (file === join('core', 'config.ts')) continue;
        if (/process\.env\b/.test(await readFile(join(root, file), 'utf8'))) offenders.push(file);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('migrations import nothing from the application', async () => {
    const offenders: string[] = [];
    for (const file of await sources('migrations')) {
      for (const { spec } of imports(await readFile(join(root, file), 'utf8'))) if (spec.startsWith('.')) offenders.push(`${file}: ${spec}`);
    }
    expect(offenders).toEqual([]);
  });
});
