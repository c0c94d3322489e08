import type { Identity } from '../auth/principal';
import { hashToken } from '../auth/tokens';
import type { Tx } from '../db/knex';
import { Conflict, Forbidden, Gone, NotFound } from '../errors';
import { signToken, verifyToken } from './signed-tokens';

/** What a link in a mail may do once its person confirms it, signed in. */
export const LINK_ACTIONS = ['run.approve', 'run.discard'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

const PURPOSE = 'action-link';
const isLinkAction = (s: unknown): s is LinkAction => typeof s === 'string' && (LINK_ACTIONS as readonly string[]).includes(s);

export interface ActionClaim {
  action: LinkAction;
  runId: string;
  userId: string;
  expiresAt: Date;
}

/** Carries out a confirmed action as `userId` (the runs code registers these). */
export type ActionHandler = (input: { action: LinkAction; runId: string; userId: string; identity: Identity }) => Promise<void>;

const handlers = new Map<LinkAction, ActionHandler>();

/** Registers the code that carries out `action` (one handler per action; a later registration replaces it). */
export function registerActionHandler(action: LinkAction, fn: ActionHandler): void {
  handlers.set(action, fn);
}

/** Forgets a handler (tests). */
export function unregisterActionHandler(action: LinkAction): void {
  handlers.delete(action);
}

/**
 * Issues a signed, expiring, single-use token for a link; stored only as a hash. With the same `nonce` and expiry
 * the same token comes out (a retried mail delivery re-sends the links it made before, not new ones).
 */
export async function issueActionToken(db: Tx, secret: string, claim: ActionClaim & { nonce: string }): Promise<string> {
  const token = signToken(secret, PURPOSE, { a: claim.action, r: claim.runId, u: claim.userId, e: Math.floor(claim.expiresAt.getTime() / 1000), n: claim.nonce });
  await db('action_tokens')
    .insert({ token_hash: hashToken(token), action: claim.action, run_id: claim.runId, user_id: claim.userId, expires_at: claim.expiresAt })
    .onConflict('token_hash')
    .ignore();
  return token;
}

interface TokenRow {
  id: string;
  action: string;
  run_id: string;
  user_id: string;
  expires_at: Date;
  used_at: Date | null;
}

/** The token's claim if it is genuine and unused: forged or unknown → 404, expired → 410, used → 409. */
async function check(db: Tx, secret: string, token: string, lock: boolean): Promise<{ row: TokenRow; claim: ActionClaim }> {
  const payload = verifyToken(secret, PURPOSE, token);
  if (!payload || !isLinkAction(payload.a)) throw new NotFound('this link is not valid', 'action_link_invalid');
  const q = db('action_tokens').where('token_hash', hashToken(token));
  const row = (await (lock ? q.forUpdate().first() : q.first())) as TokenRow | undefined;
  if (!row) throw new NotFound('this link is not valid', 'action_link_invalid');
  if (row.used_at) throw new Conflict('this link has been used already', 'action_link_used');
  if (new Date(row.expires_at).getTime() <= Date.now()) throw new Gone('this link has expired', 'action_link_expired');
  return { row, claim: { action: row.action as LinkAction, runId: row.run_id, userId: row.user_id, expiresAt: new Date(row.expires_at) } };
}

/** What the link would do, without doing it (the confirmation page). */
export async function describeActionToken(db: Tx, secret: string, token: string): Promise<ActionClaim & { available: boolean }> {
  const { claim } = await check(db, secret, token, false);
  return { ...claim, available: handlers.has(claim.action) };
}

/**
 * Spends the token and carries out its action, in the caller's transaction: only its own person may (403 for
 * anyone else), only once (409 after), and only when a handler is registered (409 `action_unavailable`, the token
 * stays unused). A failing handler rolls the spending back with the transaction.
 */
export async function confirmActionToken(db: Tx, secret: string, token: string, identity: Identity & { principal: { kind: 'user' } }): Promise<ActionClaim> {
  const userId = identity.principal.user.id;
  const { row, claim } = await check(db, secret, token, true);
  if (claim.userId !== userId) throw new Forbidden('this link was sent to someone else', 'action_link_not_yours');
  const handler = handlers.get(claim.action);
  if (!handler) throw new Conflict(`${claim.action} cannot be carried out from a link on this server yet`, 'action_unavailable');
  await db('action_tokens').where({ id: row.id }).update({ used_at: db.fn.now() });
  await handler({ action: claim.action, runId: claim.runId, userId, identity });
  return claim;
}
