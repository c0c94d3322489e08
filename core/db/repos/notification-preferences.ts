import type { Channel } from '../../notifications/rules';
import type { Tx } from '../knex';

/** Whose preference: a user's own, a team's default for its members, or an organisation's default. */
export type PreferenceOwner = { userId: string } | { teamId: string } | { orgId: string };

export interface PreferenceRow {
  event_type: string;
  channel: Channel;
  enabled: boolean;
}

const column = (o: PreferenceOwner): ['user_id' | 'team_id' | 'org_id', string] =>
  'userId' in o ? ['user_id', o.userId] : 'teamId' in o ? ['team_id', o.teamId] : ['org_id', o.orgId];

export async function listPreferences(db: Tx, owner: PreferenceOwner): Promise<PreferenceRow[]> {
  const [col, id] = column(owner);
  return db('notification_preferences').where(col, id).select('event_type', 'channel', 'enabled').orderBy(['event_type', 'channel']);
}

/** Replaces every preference of `owner` with `rows` (a PUT of the whole set). */
export async function replacePreferences(db: Tx, owner: PreferenceOwner, rows: { eventType: string; channel: Channel; enabled: boolean }[]): Promise<void> {
  const [col, id] = column(owner);
  await db('notification_preferences').where(col, id).delete();
  if (rows.length === 0) return;
  await db('notification_preferences').insert(rows.map((r) => ({ [col]: id, event_type: r.eventType, channel: r.channel, enabled: r.enabled })));
}

/** Sets one preference of `owner` (insert or update). */
export async function setPreference(db: Tx, owner: PreferenceOwner, row: { eventType: string; channel: Channel; enabled: boolean }): Promise<void> {
  const [col, id] = column(owner);
  await db.raw(
    `insert into notification_preferences (${col}, event_type, channel, enabled) values (?, ?, ?, ?)
     on conflict (COALESCE(user_id, team_id, org_id), event_type, channel) do update set enabled = excluded.enabled, updated_at = now()`,
    [id, row.eventType, row.channel, row.enabled],
  );
}

/** Every preference that can bear on `type` for these users in this organisation (their own, their teams', the org's). */
export async function preferencesFor(
  db: Tx,
  input: { type: string; orgId: string | null; userIds: string[] },
): Promise<{ user_id: string | null; team_id: string | null; org_id: string | null; member_id: string | null; channel: Channel; enabled: boolean }[]> {
  if (input.userIds.length === 0) return [];
  const own = db('notification_preferences as p')
    .where('p.event_type', input.type)
    .whereIn('p.user_id', input.userIds)
    .select('p.user_id', 'p.team_id', 'p.org_id', db.raw('p.user_id as member_id'), 'p.channel', 'p.enabled');
  if (!input.orgId) return own;
  const teams = db('notification_preferences as p')
    .join('teams as t', 't.id', 'p.team_id')
    .join('team_members as tm', 'tm.team_id', 't.id')
    .where('p.event_type', input.type)
    .where('t.org_id', input.orgId)
    .whereIn('tm.user_id', input.userIds)
    .select('p.user_id', 'p.team_id', 'p.org_id', db.raw('tm.user_id as member_id'), 'p.channel', 'p.enabled');
  const org = db('notification_preferences as p')
    .where('p.event_type', input.type)
    .where('p.org_id', input.orgId)
    .select('p.user_id', 'p.team_id', 'p.org_id', db.raw('null::uuid as member_id'), 'p.channel', 'p.enabled');
  return own.unionAll([teams, org]);
}
