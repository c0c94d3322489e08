import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/knex';
import { rolesOfUser } from '../db/repos/organizations';
import { findRunScope } from '../db/repos/runs';
import { findLiveSession, touchSessions } from '../db/repos/sessions';
import { findUsableTokenByHash, touchTokens } from '../db/repos/tokens';
import { findUserById } from '../db/repos/users';
import { higher, SCOPES, type Access, type Role, type Scope } from './policy';
import type { Identity } from './principal';
import { hashToken } from './tokens';

export const SESSION_COOKIE = 'strata_session';

interface Entry {
  identity: Identity;
  until: number;
}

/**
 * Turns a bearer token or a session cookie into an identity (principal + access). Answers are kept for at most
 * `ttlMs` (3 s by default, leaving margin under the promised 5 s on a busy machine), so a revoked token, an ended
 * session or a removed membership takes effect within 5 seconds on every API process without a query per request
 * on the protocol fast path. Only valid credentials
 * are cached (an attacker's made-up tokens cannot grow it), and the cache is bounded in entries.
 */
export class IdentityResolver {
  private readonly cache = new Map<string, Entry>();
  /**
   * Raw bearer token → its cache key (`t:` + SHA-256), for tokens that resolved to an identity recently: a Map
   * look-up instead of hashing on every protocol read (SHA-256 costs ~5 µs, a cached answer's whole request not
   * much more than ten times that). A pure memo of the hash — a revoked token still misses the identity cache
   * and is looked up again — bounded like the cache, and never filled by unknown tokens.
   */
  private readonly tokenKeys = new Map<string, string>();
  /**
   * Look-ups in flight, by cache key. When a cached identity expires under load, every request in flight with
   * that credential (50 CI jobs sharing a token) misses at once: they share one look-up (four queries) instead
   * of each sending their own.
   */
  private readonly pending = new Map<string, Promise<Identity | null>>();
  /** Bumped by `invalidate()`: a look-up that started before it must not cache what it read. */
  private generation = 0;
  private readonly usedTokens = new Set<string>();
  private readonly seenSessions = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: { csrfSecret: string; sessionIdleSeconds: number; ttlMs?: number; maxEntries?: number },
  ) {}

  /** A cached identity for a bearer token, synchronously (the protocol fast path's cache hits stay synchronous). */
  peekToken(token: string): Identity | undefined {
    return this.peek(this.tokenKeys.get(token) ?? `t:${hashToken(token)}`);
  }

  /** The identity of a bearer token; null when it is unknown, revoked, expired or its user is disabled. */
  async resolveToken(token: string): Promise<Identity | null> {
    const key = this.tokenKeys.get(token) ?? `t:${hashToken(token)}`;
    const hit = this.peek(key);
    if (hit) return this.noteUse(hit);
    const identity = await this.lookUpOnce(key, (generation) => this.lookUpToken(token, key, generation));
    return identity ? this.noteUse(identity) : null;
  }

  /** The identity of a session cookie; null when the session is unknown, revoked, expired or idle too long. */
  async resolveSession(cookie: string): Promise<Identity | null> {
    const key = `s:${hashToken(cookie)}`;
    const hit = this.peek(key);
    if (hit) return this.noteUse(hit);
    const identity = await this.lookUpOnce(key, async (generation) => {
      const session = await findLiveSession(this.db, key.slice(2), this.options.sessionIdleSeconds);
      if (!session) return null;
      const found = await this.userIdentity(session.user_id, ['admin'], { via: 'session', sessionId: session.id });
      if (found) this.store(key, found, generation);
      return found;
    });
    return identity ? this.noteUse(identity) : null;
  }

  /** The CSRF token of a session: derived from its id, so it needs no storage and the dashboard can ask for it again. */
  csrfTokenFor(sessionId: string): string {
    return createHmac('sha256', this.options.csrfSecret).update(`csrf:${sessionId}`).digest('base64url');
  }

  checkCsrf(sessionId: string, presented: string): boolean {
    const expected = Buffer.from(this.csrfTokenFor(sessionId));
    const got = Buffer.from(presented);
    return got.length === expected.length && timingSafeEqual(got, expected);
  }

  /** Drops every cached identity of this process (after a change to roles, tokens or sessions made here). */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.tokenKeys.clear();
    this.pending.clear();
  }

  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const tokens = [...this.usedTokens];
    const sessions = [...this.seenSessions];
    this.usedTokens.clear();
    this.seenSessions.clear();
    await touchTokens(this.db, tokens);
    await touchSessions(this.db, sessions);
  }

  private lookUpOnce(key: string, lookUp: (generation: number) => Promise<Identity | null>): Promise<Identity | null> {
    let pending = this.pending.get(key);
    if (!pending) {
      const started = lookUp(this.generation).finally(() => {
        if (this.pending.get(key) === started) this.pending.delete(key);
      });
      pending = started;
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async lookUpToken(token: string, key: string, generation: number): Promise<Identity | null> {
    const row = await findUsableTokenByHash(this.db, key.slice(2));
    let identity: Identity | null = null;
    if (row) {
      const scopes = narrowScopes(row.scopes);
      identity = row.run_id
        ? await this.runIdentity(row.run_id, row.id)
        : row.user_id
        ? await this.userIdentity(row.user_id, scopes, { via: 'token', tokenId: row.id })
        : {
            principal: { kind: 'service', tokenId: row.id, tokenName: row.name, bootstrap: row.bootstrap },
            access: { platformAdmin: true, orgRoles: {}, namespaceRoles: {}, scopes },
          };
    }
    if (!identity) {
      this.tokenKeys.delete(token);
      return null;
    }
    if (this.store(key, identity, generation)) this.rememberTokenKey(token, key);
    return identity;
  }

  /** A run phase's token: reader of the run's organisation (private modules and providers), nothing more. */
  private async runIdentity(runId: string, tokenId: string): Promise<Identity | null> {
    const run = await findRunScope(this.db, runId);
    if (!run) return null;
    return {
      principal: { kind: 'run', runId, workspaceId: run.workspace_id, orgId: run.org_id, tokenId },
      access: { platformAdmin: false, orgRoles: { [run.org_id]: 'reader' }, namespaceRoles: {}, scopes: ['read'] },
    };
  }

  private async userIdentity(
    userId: string,
    scopes: Scope[],
    via: { via: 'session'; sessionId: string } | { via: 'token'; tokenId: string },
  ): Promise<Identity | null> {
    const user = await findUserById(this.db, userId);
    if (!user || user.disabled_at) return null;
    const roles = await rolesOfUser(this.db, userId);
    const orgRoles: Record<string, Role> = {};
    for (const r of roles.orgRoles) orgRoles[r.org_id] = higher(orgRoles[r.org_id] ?? null, r.role)!;
    const namespaceRoles: Record<string, Role> = {};
    for (const r of roles.namespaceRoles) namespaceRoles[r.namespace_id] = higher(namespaceRoles[r.namespace_id] ?? null, r.role)!;
    const access: Access = { platformAdmin: user.platform_admin, orgRoles, namespaceRoles, scopes };
    return { principal: { kind: 'user', user: { id: user.id, email: user.email, name: user.name }, ...via }, access };
  }

  private peek(key: string): Identity | undefined {
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.cache.delete(key);
      return undefined;
    }
    return entry.identity;
  }

  /** Caches the identity unless `invalidate()` ran since its look-up started; true when it did. */
  private store(key: string, identity: Identity, generation: number): boolean {
    if (generation !== this.generation) return false;
    const max = this.options.maxEntries ?? 10_000;
    if (this.cache.size >= max) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { identity, until: Date.now() + (this.options.ttlMs ?? 3000) });
    return true;
  }

  private rememberTokenKey(token: string, key: string): void {
    if (this.tokenKeys.has(token)) return;
    if (this.tokenKeys.size >= (this.options.maxEntries ?? 10_000)) this.tokenKeys.delete(this.tokenKeys.keys().next().value!);
    this.tokenKeys.set(token, key);
  }

  private noteUse(identity: Identity): Identity {
    const p = identity.principal;
    if (p.kind === 'service') this.usedTokens.add(p.tokenId);
    else if (p.kind === 'user' && p.tokenId) this.usedTokens.add(p.tokenId);
    else if (p.kind === 'user' && p.sessionId) this.seenSessions.add(p.sessionId);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush().catch(() => undefined), 2000);
      this.flushTimer.unref();
    }
    return identity;
  }
}

function narrowScopes(stored: string[]): Scope[] {
  return stored.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
}
