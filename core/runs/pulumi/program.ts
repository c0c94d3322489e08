import { createRequire } from 'node:module';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extractArchive, type ExtractLimits } from '../../registry/archive';
import type { BlobStorage } from '../../storage/storage';

const require = createRequire(import.meta.url);

/** A plugin's program unpacked and ready to import: the file whose default export is the program. */
export interface PluginProgram {
  entry: string;
  dir: string;
  cleanup(): Promise<void>;
}

/**
 * Unpacks a plugin version's ZIP (the module upload's safe extraction) into a fresh directory, makes the
 * `@pulumi/pulumi` Strata ships resolvable from it (the very same module instance the Automation API drives), compiles
 * `index.ts` with esbuild when that is the entry. The program is imported and run by the Pulumi child process.
 */
export async function loadPluginProgram(input: {
  storage: BlobStorage;
  limits: ExtractLimits;
  workRoot: string;
  blobKey: string;
  entry: string;
}): Promise<PluginProgram> {
  await mkdir(input.workRoot, { recursive: true });
  const dir = await mkdtemp(join(input.workRoot, 'plugin-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const zip = join(dir, 'plugin.zip');
    await pipeline(await input.storage.get(input.blobKey), createWriteStream(zip));
    const src = join(dir, 'src');
    await mkdir(src);
    await extractArchive({ file: zip, format: 'zip', destDir: src, limits: input.limits });
    await mkdir(join(src, 'node_modules', '@pulumi'), { recursive: true });
    await symlink(dirname(require.resolve('@pulumi/pulumi/package.json')), join(src, 'node_modules', '@pulumi', 'pulumi'), 'dir');
    let entry = join(src, input.entry);
    // `index.js` may be CommonJS (`module.exports = …`) or an ES module (`export default …`): say which, so that the
    // nearest package.json of wherever the work directory happens to be does not decide.
    const code = await readFile(entry, 'utf8');
    const esm = input.entry.endsWith('.ts') || /^\s*(export|import)\s/m.test(code);
    await writeFile(join(src, 'package.json'), JSON.stringify({ type: esm ? 'module' : 'commonjs', private: true }));
    if (input.entry.endsWith('.ts')) {
      const { transform } = await import('esbuild');
      const out = await transform(code, { loader: 'ts', format: 'esm', target: 'node20' });
      entry = join(src, 'index.compiled.mjs');
      await writeFile(entry, out.code);
    }
    return { entry, dir, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
