import type { Access } from './policy';

/** Who is making a request. Every mutation records it in the audit log. */
export type Principal =
  | { kind: 'anonymous' }
  /** A person, signed in with a session cookie or using one of their personal API tokens. */
  | {
      kind: 'user';
      user: { id: string; email: string; name: string };
      via: 'session' | 'token';
      sessionId?: string;
      tokenId?: string;
    }
  /** A token that belongs to no user: the bootstrap admin token and the admin tokens made with it. */
  | { kind: 'service'; tokenId: string; tokenName: string; bootstrap: boolean }
  /** Workflows and schedules. */
  | { kind: 'system'; name: string }
  /**
   * One phase of one run, through the short-lived token the run's engine uses: it reads its organisation's
   * registry and writes its own workspace's state while the run holds the lock. Nothing else.
   */
  | { kind: 'run'; runId: string; workspaceId: string; orgId: string; tokenId: string };

export interface Identity {
  principal: Principal;
  access: Access;
}

/** The actor columns of an audit entry for a principal. */
export function actorOf(p: Principal): { actorType: 'user' | 'token' | 'system' | 'anonymous'; actorId: string | null; actorLabel: string | null } {
  switch (p.kind) {
    case 'anonymous':
      return { actorType: 'anonymous', actorId: null, actorLabel: null };
    case 'user':
      return { actorType: 'user', actorId: p.user.id, actorLabel: p.via === 'token' ? `${p.user.email} (token ${p.tokenId})` : p.user.email };
    case 'service':
      return { actorType: 'token', actorId: p.tokenId, actorLabel: p.tokenName };
    case 'system':
      return { actorType: 'system', actorId: null, actorLabel: p.name };
    case 'run':
      return { actorType: 'system', actorId: p.runId, actorLabel: `run ${p.runId}` };
  }
}

/** The id stored as `published_by` and similar: a user id, or a service token's id. */
export function principalId(p: Principal): string | null {
  if (p.kind === 'user') return p.user.id;
  if (p.kind === 'service') return p.tokenId;
  return null;
}
