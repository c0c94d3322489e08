import { Invalid } from '../errors';
import type { VcsKind } from './types';

/** GitHub `owner/repo`. */
export function parseGitHubRepository(repository: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(repository);
  if (!m || m[2] === '.' || m[2] === '..') throw new Invalid(`GitHub repository ${JSON.stringify(repository)} is not in the form owner/repo`, 'vcs_repository_invalid');
  return { owner: m[1]!, repo: m[2]! };
}

/** GitLab `group[/subgroup…]/project` (the project's full path). */
export function parseGitLabProject(repository: string): string {
  const segment = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
  const parts = repository.split('/');
  if (parts.length < 2 || parts.length > 21 || !parts.every((p) => segment.test(p) && !p.endsWith('.git'))) {
    throw new Invalid(`GitLab project ${JSON.stringify(repository)} is not in the form group/project`, 'vcs_repository_invalid');
  }
  return repository;
}

/** Azure DevOps `project/repo`. */
export function parseAzureRepository(repository: string): { project: string; repo: string } {
  const m = /^([^/\\?#%]{1,64})\/([^/\\?#%]{1,64})$/.exec(repository);
  if (!m || [m[1]!, m[2]!].some((p) => p.trim() !== p || p.startsWith('.'))) {
    throw new Invalid(`Azure DevOps repository ${JSON.stringify(repository)} is not in the form project/repo`, 'vcs_repository_invalid');
  }
  return { project: m[1]!, repo: m[2]! };
}

/**
 * Checks a repository name in the form its provider uses.
 * @throws Invalid `vcs_repository_invalid`
 */
export function assertRepositoryName(kind: VcsKind, repository: string): string {
  if (kind === 'github') parseGitHubRepository(repository);
  else if (kind === 'gitlab') parseGitLabProject(repository);
  else parseAzureRepository(repository);
  return repository;
}

/**
 * Normalises a module's subdirectory inside the repository: relative, `/`-separated, no `.`/`..` segments.
 * Returns null for the repository root.
 * @throws Invalid `vcs_subdirectory_invalid`
 */
export function normaliseSubdirectory(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '' || trimmed === '.') return null;
  const parts = trimmed.split('/');
  if (trimmed.length > 512 || parts.some((p) => p === '' || p === '.' || p === '..' || /[\\\0]/.test(p))) {
    throw new Invalid(`subdirectory ${JSON.stringify(value)} must be a relative path inside the repository (no "..", no empty segments)`, 'vcs_subdirectory_invalid');
  }
  return parts.join('/');
}
