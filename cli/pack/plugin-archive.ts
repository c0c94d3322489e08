import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { ZipFile } from 'yazl';
import { CliError } from '../errors';
import { readModuleTree, type TreeEntry, type TreeRules } from './module-tree';

// A plugin directory often holds what the program was developed with: dependencies (Strata provides
// @pulumi/pulumi), VCS data and local Pulumi stack files, none of which belongs in the catalogue.
const EXCLUDED = new Set(['.git', 'node_modules', '.DS_Store', '.pulumi']);

const PLUGIN_RULES: TreeRules = {
  excluded: (name) => EXCLUDED.has(name) || /^Pulumi\..+\.ya?ml$/.test(name),
  empty: (dir) => `nothing to publish: ${dir} has no files (after leaving out .git, node_modules, .pulumi and stack files)`,
};

/** A fixed timestamp for every entry, so the same files give the same ZIP whatever their mtimes. */
const EPOCH = new Date('2000-01-01T00:00:00Z');

/**
 * Packs a plugin directory into a ZIP, reproducibly (sorted names, fixed timestamps, normalised modes), with the
 * module packer's safety checks (no symbolic links or special files). The directory must hold strata-plugin.json
 * at its root; the server checks everything else.
 * @throws CliError for a missing manifest, a symbolic link, a special file or an empty directory
 */
export async function packPlugin(dir: string): Promise<{ entries: TreeEntry[]; archive: Buffer }> {
  const manifest = await lstat(join(dir, 'strata-plugin.json')).catch(() => null);
  if (!manifest?.isFile()) throw new CliError(`${dir} has no strata-plugin.json: a plugin needs its manifest ({name, version, description, inputs}) at its root`);
  const entries = await readModuleTree(dir, PLUGIN_RULES);
  const zip = new ZipFile();
  for (const entry of entries) {
    const options = { mtime: EPOCH, mode: entry.mode };
    if (entry.type === 'directory') zip.addEmptyDirectory(entry.name, options);
    else zip.addReadStream(createReadStream(entry.path), entry.name, { ...options, size: entry.size });
  }
  zip.end();
  return { entries, archive: await buffer(zip.outputStream) };
}
