import { constants, type Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { byCodeUnits, declarations, type ParsedFile } from './declarations';
import { parseConfigFile } from './parse-config';
import { readReadme } from './readme';
import type { ModuleAnalysis, ModuleUnit } from './types';

const DEFAULT_MAX_README_BYTES = 1024 * 1024;

export interface AnalyseOptions {
  /** README text beyond this many bytes is cut off. Default 1 MiB. */
  maxReadmeBytes?: number;
}

/** The files Terraform itself skips: editor backups and dotfiles. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || (name.startsWith('#') && name.endsWith('#'));
}

function isConfigFile(entry: Dirent): boolean {
  return entry.isFile() && !ignored(entry.name) && (entry.name.endsWith('.tf') || entry.name.endsWith('.tf.json'));
}

function isOverride(name: string): boolean {
  const stem = name.replace(/\.tf(\.json)?$/, '');
  return stem === 'override' || stem.endsWith('_override');
}

async function listDirectory(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.sort((a, b) => byCodeUnits(a.name, b.name));
}

async function analyseUnit(rootDir: string, path: string, maxReadmeBytes: number): Promise<ModuleUnit> {
  const dir = path === '' ? rootDir : join(rootDir, path);
  const entries = await listDirectory(dir);
  const files: ParsedFile[] = [];
  // One at a time: the parser is a single WASM instance and files are small.
  for (const entry of entries.filter(isConfigFile)) {
    const relPath = path === '' ? entry.name : `${path}/${entry.name}`;
    const contents = await readFile(join(dir, entry.name), { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NOFOLLOW });
    files.push({ document: await parseConfigFile(relPath, contents), override: isOverride(entry.name) });
  }
  return {
    path,
    name: path === '' ? '' : path.slice(path.lastIndexOf('/') + 1),
    readme: await readReadme(dir, entries, maxReadmeBytes),
    empty: files.length === 0,
    ...declarations(files),
  };
}

/** Non-hidden real directories directly under `parent` (e.g. `modules`), as unit paths; none if absent. */
async function childUnitPaths(rootDir: string, parent: string): Promise<string[]> {
  const dir = join(rootDir, parent);
  const info = await lstat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!info?.isDirectory()) return [];
  const entries = await listDirectory(dir);
  return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => `${parent}/${entry.name}`);
}

/**
 * Describes an extracted module: the root directory plus each directory directly under `modules/`
 * (submodules) and `examples/`. Reads `.tf` files with HCL's own parser (via @cdktf/hcl2json) and
 * `.tf.json` files as JSON; symlinks and hidden directories are never followed. A directory without
 * configuration is reported with `empty: true`. The result is deterministic and JSON-serialisable.
 * @throws InvalidArtifact `module_hcl_invalid` naming the first file (path from the root) that fails to parse
 */
export async function analyseModule(rootDir: string, options: AnalyseOptions = {}): Promise<ModuleAnalysis> {
  const maxReadmeBytes = options.maxReadmeBytes ?? DEFAULT_MAX_README_BYTES;
  const root = await analyseUnit(rootDir, '', maxReadmeBytes);
  const submodules: ModuleUnit[] = [];
  for (const path of await childUnitPaths(rootDir, 'modules')) submodules.push(await analyseUnit(rootDir, path, maxReadmeBytes));
  const examples: ModuleUnit[] = [];
  for (const path of await childUnitPaths(rootDir, 'examples')) examples.push(await analyseUnit(rootDir, path, maxReadmeBytes));
  return { root, submodules, examples };
}
