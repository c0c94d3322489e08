import type { SessionRow } from '../../../core/db/repos/sessions';
import type { UserRow } from '../../../core/db/repos/users';
import type { Session, UserSummary } from './shapes';

export function presentUser(u: Pick<UserRow, 'id' | 'email' | 'name' | 'platform_admin'>): UserSummary {
  return { id: u.id, email: u.email, name: u.name, platformAdmin: u.platform_admin };
}

export function presentSession(s: SessionRow, currentId: string | undefined): Session {
  return {
    id: s.id,
    current: s.id === currentId,
    method: s.method,
    ip: s.ip,
    userAgent: s.user_agent,
    createdAt: new Date(s.created_at).toISOString(),
    lastSeenAt: new Date(s.last_seen_at).toISOString(),
    expiresAt: new Date(s.expires_at).toISOString(),
  };
}
