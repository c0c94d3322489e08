import { createHash } from 'node:crypto';

export type Files = Record<string, string>;

export interface TagRef {
  /** The commit the tag points to. */
  commit: string;
  /** The tag object's own id when annotated (what refs point to before peeling). */
  tagObject: string | null;
}

export interface Repository {
  id: number;
  /** owner/repo, group/project or project/repo. */
  fullName: string;
  commits: Map<string, Files>;
  tags: Map<string, TagRef>;
  defaultBranch: string;
}

/**
 * The repositories a stand-in provider serves: commits (content-addressed ids, like git's) and tags that can be
 * created, moved and deleted. Shared shape for all three stand-ins.
 */
export class GitModel {
  readonly repositories = new Map<string, Repository>();
  private counter = 0;

  repository(fullName: string): Repository {
    let repo = this.find(fullName);
    if (!repo) {
      repo = { id: 1000 + this.repositories.size, fullName, commits: new Map(), tags: new Map(), defaultBranch: 'main' };
      this.repositories.set(fullName.toLowerCase(), repo);
    }
    return repo;
  }

  find(fullName: string): Repository | undefined {
    return this.repositories.get(fullName.toLowerCase());
  }

  byId(id: number): Repository | undefined {
    return [...this.repositories.values()].find((r) => r.id === id);
  }

  /** Records a commit with these files and returns its 40-hex id. */
  commit(fullName: string, files: Files): string {
    const hash = createHash('sha1').update(`commit ${++this.counter}\n`);
    for (const name of Object.keys(files).sort()) hash.update(`${name}\0${files[name]}\0`);
    const sha = hash.digest('hex');
    this.repository(fullName).commits.set(sha, files);
    return sha;
  }

  /** Creates or moves a tag (annotated tags get a tag object id of their own). Returns the previous commit. */
  setTag(fullName: string, tag: string, commit: string, options: { annotated?: boolean } = {}): string | null {
    const repo = this.repository(fullName);
    if (!repo.commits.has(commit)) throw new Error(`no commit ${commit} in ${fullName}`);
    const previous = repo.tags.get(tag)?.commit ?? null;
    const tagObject = options.annotated ? createHash('sha1').update(`tag ${tag} ${commit} ${++this.counter}`).digest('hex') : null;
    repo.tags.set(tag, { commit, tagObject });
    return previous;
  }

  deleteTag(fullName: string, tag: string): string | null {
    const repo = this.repository(fullName);
    const previous = repo.tags.get(tag)?.commit ?? null;
    repo.tags.delete(tag);
    return previous;
  }

  /** A commit id, or a tag name resolved to its commit. */
  resolve(repo: Repository, ref: string): string | null {
    if (repo.commits.has(ref)) return ref;
    return repo.tags.get(ref)?.commit ?? null;
  }
}
