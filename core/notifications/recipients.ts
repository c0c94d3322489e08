import { higher, type Role } from '../auth/policy';
import type { Tx } from '../db/knex';
import type { NotificationEventRow } from '../db/repos/notification-events';
import { preferencesFor } from '../db/repos/notification-preferences';
import { isEventType } from './event-types';
import { builtInDefault, CHANNELS, decide, isConfigurable, type Channel } from './rules';

/**
 * Who hears of an event, on which channels: for a personal event its user; for an organisation's event every
 * member (directly or through a team) whose preferences — their own, their teams', the organisation's, else the
 * built-in default — turn a channel on. Disabled accounts get nothing.
 */
export async function resolveRecipients(db: Tx, event: NotificationEventRow): Promise<{ userId: string; channel: Channel }[]> {
  if (!isEventType(event.type)) return [];
  const type = event.type;
  const candidates = new Map<string, Role | null>();
  if (event.user_id) {
    candidates.set(event.user_id, null);
  } else if (event.org_id) {
    const rows: { user_id: string; role: Role }[] = await db
      .select('user_id', 'role')
      .from('memberships')
      .where({ org_id: event.org_id })
      .unionAll((q) => q.select('tm.user_id', 't.role').from('teams as t').join('team_members as tm', 'tm.team_id', 't.id').where('t.org_id', event.org_id).whereNotNull('t.role'));
    for (const r of rows) candidates.set(r.user_id, higher(candidates.get(r.user_id) ?? null, r.role));
  }
  if (candidates.size === 0) return [];
  const active: { id: string }[] = await db('users').whereIn('id', [...candidates.keys()]).whereNull('disabled_at').select('id');
  const userIds = active.map((u) => u.id);

  const approverList = Array.isArray(event.payload.approverUserIds) ? (event.payload.approverUserIds as unknown[]).map(String) : null;
  const prefs = isConfigurable(type) ? await preferencesFor(db, { type, orgId: event.user_id ? null : event.org_id, userIds }) : [];
  const out: { userId: string; channel: Channel }[] = [];
  for (const userId of userIds) {
    const role = candidates.get(userId) ?? null;
    const approver = approverList ? approverList.includes(userId) : role === 'admin' || role === 'owner';
    for (const channel of CHANNELS) {
      const builtIn = builtInDefault({ type, channel, role, approver });
      const mine = prefs.filter((p) => p.channel === channel);
      const on = isConfigurable(type)
        ? decide({
            user: mine.find((p) => p.user_id === userId)?.enabled,
            teams: mine.filter((p) => p.team_id && p.member_id === userId).map((p) => p.enabled),
            org: mine.find((p) => p.org_id)?.enabled,
            builtIn,
          })
        : builtIn;
      if (on) out.push({ userId, channel });
    }
  }
  return out;
}
