import { createHash } from 'node:crypto';

/** A fully serialised protocol response, ready to write to a socket. */
export interface CachedResponse {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
  /** Artifact tags whose change invalidates this entry (e.g. `module:hashicorp/consul`). */
  tags: string[];
  /** Epoch ms after which the entry must be rebuilt (embedded signed URLs near their expiry). */
  freshUntil: number;
  /** Counted on every hit (download statistics); null for listings. */
  countAs: { kind: string; versionId: string } | null;
}

export function jsonResponse(
  status: number,
  value: unknown,
  options: { tags: string[]; freshUntil?: number; countAs?: CachedResponse['countAs'] },
): CachedResponse {
  const body = Buffer.from(JSON.stringify(value));
  return {
    status,
    body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(body.length),
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      'cache-control': 'no-cache',
    },
    tags: options.tags,
    freshUntil: options.freshUntil ?? Number.POSITIVE_INFINITY,
    countAs: options.countAs ?? null,
  };
}

/**
 * In-process cache of pre-serialised protocol responses, invalidated by artifact tag when a publish lands
 * (PostgreSQL NOTIFY). Concurrent misses for one key share a single build. Bounded: unknown paths cannot grow it
 * without limit.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  private readonly inflight = new Map<string, Promise<CachedResponse>>();
  private readonly byTag = new Map<string, Set<string>>();
  private generation = 0;

  constructor(private readonly maxEntries = 20_000) {}

  async get(key: string, build: () => Promise<CachedResponse>, now = Date.now()): Promise<CachedResponse> {
    const hit = this.entries.get(key);
    if (hit && hit.freshUntil > now) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const promise = build()
      .then((response) => {
        // A publish that landed while we were building makes this result stale: serve it once, don't keep it.
        if (generation === this.generation) this.store(key, response);
        return response;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  /** A fresh cached response, synchronously: the hot path answers hits without creating a single promise. */
  peek(key: string, now = Date.now()): CachedResponse | undefined {
    const hit = this.entries.get(key);
    return hit && hit.freshUntil > now ? hit : undefined;
  }

  invalidate(tag: string): void {
    this.generation++;
    const keys = this.byTag.get(tag);
    if (!keys) return;
    for (const key of keys) this.entries.delete(key);
    this.byTag.delete(tag);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.byTag.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, response: CachedResponse): void {
    if (this.entries.size >= this.maxEntries) this.clear();
    this.entries.set(key, response);
    for (const tag of response.tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }
}

export const tags = {
  module: (namespace: string, name: string) => `module:${namespace.toLowerCase()}/${name.toLowerCase()}`,
  provider: (namespace: string, type: string) => `provider:${namespace.toLowerCase()}/${type.toLowerCase()}`,
  namespaceKeys: (namespace: string) => `keys:${namespace.toLowerCase()}`,
};
