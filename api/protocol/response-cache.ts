import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';

/** One encoding of an answer: its bytes and the headers that go with them (each with its own ETag). */
export interface Representation {
  body: Buffer;
  headers: Record<string, string>;
}

/** A fully serialised protocol response, ready to write to a socket. */
export interface CachedResponse extends Representation {
  status: number;
  /** The gzip-coded representation, for bodies worth compressing; null otherwise. */
  gzip: Representation | null;
  /** Artifact tags whose change invalidates this entry (e.g. `module:hashicorp/consul`). */
  tags: string[];
  /** Epoch ms after which the entry must be rebuilt (embedded signed URLs near their expiry); 0 = never cache. */
  freshUntil: number;
  /** Counted on every GET answered in full (download statistics); null for listings. */
  countAs: { kind: string; versionId: string } | null;
}

/**
 * Terraform's and OpenTofu's HTTP client asks for gzip: large answers (long version lists, find-a-package with
 * armored keys) are compressed once, when the answer is built, and kept on the entry.
 */
const GZIP_MIN_BYTES = 1024;

const etagOf = (body: Buffer) => createHash('sha1').update(body).digest('base64url');

export function jsonResponse(
  status: number,
  value: unknown,
  options: { tags: string[]; freshUntil?: number; countAs?: CachedResponse['countAs'] },
): CachedResponse {
  const body = Buffer.from(JSON.stringify(value));
  const tag = etagOf(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    etag: `"${tag}"`,
    'cache-control': 'no-cache',
    // Part of the cached headers, so the hot path pays nothing for it.
    'x-content-type-options': 'nosniff',
  };
  let gzip: Representation | null = null;
  if (body.length >= GZIP_MIN_BYTES) {
    // The answer differs by Accept-Encoding, and each coding is a different representation with its own tag.
    headers.vary = 'Accept-Encoding';
    const zipped = gzipSync(body, { level: 6 });
    gzip = {
      body: zipped,
      headers: { ...headers, 'content-length': String(zipped.length), 'content-encoding': 'gzip', etag: `"${tag}-gzip"` },
    };
  }
  return {
    status,
    body,
    headers,
    gzip,
    tags: options.tags,
    freshUntil: options.freshUntil ?? Number.POSITIVE_INFINITY,
    countAs: options.countAs ?? null,
  };
}

/** Byte budgets of the response cache: answers, and negative answers (4xx) that anyone can ask for. */
export interface CacheBudgets {
  answerBytes: number;
  negativeBytes: number;
}

export const DEFAULT_CACHE_BUDGETS: CacheBudgets = { answerBytes: 32 * 1024 * 1024, negativeBytes: 1024 * 1024 };

// What an entry costs beyond its bytes: the objects, the maps' slots, the tag index. An estimate on purpose on
// the high side, so the budgets bound real memory.
const ENTRY_OVERHEAD_BYTES = 512;

function headerBytes(headers: Record<string, string>): number {
  let n = 0;
  for (const name in headers) n += name.length + headers[name]!.length + 32;
  return n;
}

/** The memory an entry holds, for the byte budgets: bodies, headers, its key and tags. */
export function entryBytes(key: string, r: CachedResponse): number {
  let n = ENTRY_OVERHEAD_BYTES + key.length * 2 + r.body.length + headerBytes(r.headers);
  if (r.gzip) n += r.gzip.body.length + headerBytes(r.gzip.headers);
  for (const tag of r.tags) n += tag.length * 2 + 64;
  return n;
}

/**
 * In-process cache of pre-serialised protocol responses, invalidated by artifact tag when a publish lands
 * (PostgreSQL NOTIFY). Concurrent misses for one key share a single build.
 *
 * Bounded by bytes, least recently used first out. Negative answers (an unknown module, a missing platform) have a
 * small budget of their own: anyone can ask for as many unknown addresses as they like, and such answers must
 * neither grow the process nor push the real answers out.
 */
export class ResponseCache {
  private readonly answers: LRUCache<string, CachedResponse>;
  private readonly negatives: LRUCache<string, CachedResponse>;
  private readonly inflight = new Map<string, Promise<CachedResponse>>();
  private readonly byTag = new Map<string, Set<string>>();
  private generation = 0;

  constructor(budgets: CacheBudgets = DEFAULT_CACHE_BUDGETS) {
    const options = (maxSize: number): LRUCache.Options<string, CachedResponse, unknown> => ({
      maxSize,
      sizeCalculation: (value, key) => entryBytes(key, value),
      // Evicted, replaced or invalidated: the tag index forgets the key too, so it stays as bounded as the entries.
      dispose: (value, key) => this.unindex(key, value.tags),
    });
    this.answers = new LRUCache(options(budgets.answerBytes));
    this.negatives = new LRUCache(options(budgets.negativeBytes));
  }

  async get(key: string, build: () => Promise<CachedResponse>, now = Date.now()): Promise<CachedResponse> {
    const hit = this.peek(key, now);
    if (hit) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const promise = build()
      .then((response) => {
        // A publish that landed while we were building makes this result stale: serve it once, don't keep it.
        if (generation === this.generation) this.store(key, response, Date.now());
        return response;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  /** A fresh cached response, synchronously: the hot path answers hits without creating a single promise. */
  peek(key: string, now = Date.now()): CachedResponse | undefined {
    const hit = this.answers.get(key) ?? this.negatives.get(key);
    return hit && hit.freshUntil > now ? hit : undefined;
  }

  invalidate(tag: string): void {
    this.generation++;
    const keys = this.byTag.get(tag);
    if (!keys) return;
    for (const key of [...keys]) {
      this.answers.delete(key);
      this.negatives.delete(key);
    }
    this.byTag.delete(tag);
  }

  clear(): void {
    this.generation++;
    this.answers.clear();
    this.negatives.clear();
    this.byTag.clear();
  }

  /** Entries and bytes held per budget (for metrics and tests). */
  stats(): { answers: { entries: number; bytes: number }; negatives: { entries: number; bytes: number }; tags: number } {
    return {
      answers: { entries: this.answers.size, bytes: this.answers.calculatedSize },
      negatives: { entries: this.negatives.size, bytes: this.negatives.calculatedSize },
      tags: this.byTag.size,
    };
  }

  private store(key: string, response: CachedResponse, now: number): void {
    if (response.freshUntil <= now) return;
    const cache = response.status >= 400 ? this.negatives : this.answers;
    // One key lives in one budget: an answer replacing a negative one (or the reverse) drops the other.
    (cache === this.answers ? this.negatives : this.answers).delete(key);
    cache.set(key, response);
    if (!cache.has(key)) return; // larger than the whole budget: served, not kept
    for (const tag of response.tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  private unindex(key: string, tags: string[]): void {
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(tag);
    }
  }
}

export const tags = {
  module: (namespace: string, name: string) => `module:${namespace.toLowerCase()}/${name.toLowerCase()}`,
  provider: (namespace: string, type: string) => `provider:${namespace.toLowerCase()}/${type.toLowerCase()}`,
  namespaceKeys: (namespace: string) => `keys:${namespace.toLowerCase()}`,
};
