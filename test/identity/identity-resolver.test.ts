import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityResolver } from '../../core/auth/identity-resolver';
import { generateToken } from '../../core/auth/tokens';
import type { Db } from '../../core/db/knex';
import { insertOrg, upsertMembership } from '../../core/db/repos/organizations';
import { insertToken, revokeToken } from '../../core/db/repos/tokens';
import { insertUser } from '../../core/db/repos/users';
import { createTestDatabase } from '../harness/platform';

// The identity cache behind the protocol fast path, against a real PostgreSQL: how many queries it sends when
// many requests with one token arrive together, and what it keeps.

let db: Db;
let orgId: string;
let userId: string;
let queries = 0;
// Reads only: a resolver also writes `last_used_at` in the background (batched, every 2 s).
const countQuery = (q: { sql: string }) => {
  if (/^\s*(\(\s*)?select\b/i.test(q.sql)) queries++;
};

beforeAll(async () => {
  ({ db } = await createTestDatabase());
  const user = await insertUser(db, { email: 'carol@acme.test', name: 'carol', passwordHash: null });
  userId = user.id;
  orgId = (await insertOrg(db, 'acme')).id;
  await upsertMembership(db, orgId, userId, 'reader');
  db.on('query', countQuery);
});

afterAll(async () => {
  db?.off('query', countQuery);
  await db?.destroy();
});

const resolver = (ttlMs = 4000) => new IdentityResolver(db, { csrfSecret: 'test-secret', sessionIdleSeconds: 3600, ttlMs });

async function newToken(): Promise<{ token: string; id: string }> {
  const secret = generateToken();
  const row = await insertToken(db, { name: 'ci', prefix: secret.prefix, tokenHash: secret.hash, userId, scopes: ['read'] });
  return { token: secret.token, id: row.id };
}

/** Reads sent while `fn` runs. */
async function queriesDuring<T>(fn: () => Promise<T>): Promise<{ result: T; queries: number }> {
  const before = queries;
  const result = await fn();
  return { result, queries: queries - before };
}

describe('IdentityResolver', () => {
  it('lets 50 concurrent requests with an uncached token share one look-up, then answers from memory', async () => {
    const r = resolver();
    const { token } = await newToken();
    const many = await queriesDuring(() => Promise.all(Array.from({ length: 50 }, () => r.resolveToken(token))));
    // The token, the user, and the user's organisation and namespace roles: four queries, not 200.
    expect(many.queries).toBe(4);
    for (const identity of many.result) {
      expect(identity?.principal).toMatchObject({ kind: 'user', user: { id: userId } });
      expect(identity?.access).toMatchObject({ orgRoles: { [orgId]: 'reader' }, scopes: ['read'] });
    }
    expect(r.peekToken(token)).toBe(many.result[0]);
    expect((await queriesDuring(() => r.resolveToken(token))).queries).toBe(0);
  });

  it('looks an expired entry up again, once for all the requests that find it expired', async () => {
    const r = resolver(100);
    const { token } = await newToken();
    await r.resolveToken(token);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(r.peekToken(token)).toBeUndefined();
    const again = await queriesDuring(() => Promise.all(Array.from({ length: 20 }, () => r.resolveToken(token))));
    expect(again.queries).toBe(4);
    expect(again.result.every((i) => i?.principal.kind === 'user')).toBe(true);
  });

  it('refuses a revoked token once its entry has expired', async () => {
    const r = resolver(100);
    const { token, id } = await newToken();
    expect(await r.resolveToken(token)).not.toBeNull();
    await revokeToken(db, id, userId);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await r.resolveToken(token)).toBeNull();
    expect(r.peekToken(token)).toBeUndefined();
  });

  it('never caches an unknown token: each attempt is looked up', async () => {
    const r = resolver();
    const unknown = generateToken().token;
    for (let i = 0; i < 3; i++) {
      const attempt = await queriesDuring(() => r.resolveToken(unknown));
      expect(attempt.result).toBeNull();
      expect(attempt.queries).toBe(1);
      expect(r.peekToken(unknown)).toBeUndefined();
    }
  });

  it('does not cache what a look-up read when invalidate() ran while it was in flight', async () => {
    const r = resolver();
    const { token } = await newToken();
    const inFlight = r.resolveToken(token);
    // A role or token change made through this process while the look-up waits for the database.
    r.invalidate();
    expect(await inFlight).not.toBeNull();
    expect(r.peekToken(token)).toBeUndefined();
    // The next request looks it up afresh and caches that.
    expect((await queriesDuring(() => r.resolveToken(token))).queries).toBe(4);
    expect(r.peekToken(token)).not.toBeUndefined();
  });
});
