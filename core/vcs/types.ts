import type { Readable } from 'node:stream';

export const vcsKinds = ['github', 'gitlab', 'azure-devops'] as const;
export type VcsKind = (typeof vcsKinds)[number];

/** Where a GitHub or GitLab connection without a base URL points (the provider clients load only when used). */
export const GITHUB_API = 'https://api.github.com';
export const GITLAB_COM = 'https://gitlab.com';

/** The user name Strata puts in Azure DevOps service hooks' basic-auth credentials; the password is the link's secret. */
export const AZURE_HOOK_USER = 'strata';

export interface VcsIdentity {
  /** The account the credentials belong to (login, username or display name). */
  login: string;
  name: string | null;
}

export interface VcsRepository {
  /** How links name it: `owner/repo` (GitHub), `group/project` (GitLab), `project/repo` (Azure DevOps). */
  fullName: string;
  webUrl: string;
  defaultBranch: string | null;
  private: boolean | null;
}

export interface VcsTag {
  name: string;
  /** The commit the tag points to (annotated tags peeled). */
  commitSha: string;
}

/** How the provider lays out an archive of a commit. */
export interface VcsArchive {
  stream: Readable;
  format: 'tar.gz' | 'zip';
  /**
   * True when every entry sits under one top-level directory the provider adds (GitHub `owner-repo-sha/`,
   * GitLab `project-sha-sha/`): it is stripped before the module is analysed.
   */
  wrapped: boolean;
}

export interface WebhookRegistration {
  url: string;
  secret: string;
}

/**
 * What Strata needs from a source host, one implementation per provider. Every method talks to the provider
 * through its official client library; errors are mapped by core/vcs/errors.ts.
 */
export interface VcsClient {
  readonly kind: VcsKind;
  whoAmI(): Promise<VcsIdentity>;
  listRepositories(options?: { limit?: number }): Promise<VcsRepository[]>;
  listTags(repository: string): Promise<VcsTag[]>;
  /** The commit a tag points to now, or null when the tag does not exist. */
  resolveTag(repository: string, tag: string): Promise<string | null>;
  /** The repository's files at exactly this commit (never a tag or branch name). */
  downloadArchive(repository: string, commitSha: string, signal?: AbortSignal): Promise<VcsArchive>;
  /** Registers a push/tag webhook; returns the provider's id for it. */
  installWebhook(repository: string, hook: WebhookRegistration): Promise<{ id: string }>;
  /** The repository's browser URL, recorded on commit-pinned versions. */
  repositoryUrl(repository: string): string;
}

/** A 40 (SHA-1) or 64 (SHA-256) hex digit commit id. */
export const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
