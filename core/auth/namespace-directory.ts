import type { Db } from '../db/knex';
import { listAllNamespaces } from '../db/repos/namespaces';
import type { Visibility } from './policy';

export interface NamespaceInfo {
  id: string;
  name: string;
  orgId: string;
  visibility: Visibility;
}

/**
 * Every namespace's organisation and visibility, held in memory and reloaded when older than `ttlMs` (one small
 * query every few seconds at most), so the protocol fast path decides access without a query per request. Its
 * size is the number of namespaces, which only authorised people can create.
 */
export class NamespaceDirectory {
  private byName = new Map<string, NamespaceInfo>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 3000,
  ) {}

  /** The namespace (null: none by that name) when the snapshot is fresh; undefined when it has to be reloaded. */
  peek(name: string): NamespaceInfo | null | undefined {
    if (Date.now() - this.loadedAt > this.ttlMs) return undefined;
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  async get(name: string): Promise<NamespaceInfo | null> {
    const fresh = this.peek(name);
    if (fresh !== undefined) return fresh;
    await this.reload();
    return this.byName.get(name.toLowerCase()) ?? null;
  }

  /** Forgets the snapshot (after a change made by this process); the next look-up reloads it. */
  invalidate(): void {
    this.loadedAt = 0;
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const started = Date.now();
        const rows = await listAllNamespaces(this.db);
        const next = new Map<string, NamespaceInfo>();
        for (const r of rows) next.set(r.name.toLowerCase(), { id: r.id, name: r.name, orgId: r.org_id, visibility: r.visibility });
        this.byName = next;
        this.loadedAt = started;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
