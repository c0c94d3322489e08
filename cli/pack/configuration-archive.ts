import type { Readable } from 'node:stream';
import { packModule } from './module-archive';
import type { TreeEntry, TreeRules } from './module-tree';

// A working directory holds more than a module does: local state in every form (terraform.tfstate, its backups,
// terraform.tfstate.d/ of CLI workspaces, lock info) may hold secrets and is never part of a configuration. The
// dependency lock file (.terraform.lock.hcl) is kept: it pins the providers the run installs.
const EXCLUDED_NAMES = new Set(['.git', '.terraform', '.DS_Store']);

/** True for a file or directory name (one path segment) left out of configuration archives. */
export function isExcludedFromConfiguration(name: string): boolean {
  return EXCLUDED_NAMES.has(name) || name.includes('.tfstate');
}

const CONFIGURATION_RULES: TreeRules = {
  excluded: isExcludedFromConfiguration,
  empty: (dir) => `nothing to upload: ${dir} has no files (after leaving out .git, .terraform, state files and .DS_Store)`,
};

/**
 * Packs a Terraform/OpenTofu working directory into a reproducible gzip-compressed tar for a workspace
 * configuration, the way `module publish` packs a module (same safety checks: no symlinks or special files).
 * @throws CliError as {@link packModule}
 */
export function packConfiguration(dir: string): Promise<{ entries: TreeEntry[]; archive: Readable }> {
  return packModule(dir, CONFIGURATION_RULES);
}
