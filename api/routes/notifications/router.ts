import Router from '@koa/router';
import { findTeam } from '../../../core/db/repos/teams';
import { findUserById } from '../../../core/db/repos/users';
import { countUnread, dismiss, inboxItemExists, listInbox, markRead, type InboxItemRow } from '../../../core/db/repos/notification-deliveries';
import { listPreferences, replacePreferences, setPreference, type PreferenceOwner } from '../../../core/db/repos/notification-preferences';
import { NotFound } from '../../../core/errors';
import { EVENT_TYPES } from '../../../core/notifications/event-types';
import { isConfigurable, publicPayload } from '../../../core/notifications/rules';
import { announceInboxChanged } from '../../../core/notifications/inbox-events';
import { readUnsubscribeToken } from '../../../core/notifications/runtime';
import type { Tx } from '../../../core/db/knex';
import type { AppDeps, AppState } from '../../deps';
import { audit, authorize, requireUser } from '../../authz';
import { readJson } from '../../body';
import { openEventStream } from '../activity/event-stream';
import { tokenFromQuery } from '../activity/router';
import { visibleOrg } from '../orgs/lookup';
import { inboxQuery, notificationParams, orgDefaultsParams, preferencesInput, signedTokenParams, teamDefaultsParams } from './schemas';
import type { InboxItem, PreferenceSet } from './shapes';

/** Streams end after this long; the browser reconnects (and gets the current count again). */
const MAX_STREAM_MS = 30 * 60_000;

const CONFIGURABLE = EVENT_TYPES.filter(isConfigurable);

export function presentInboxItem(r: InboxItemRow): InboxItem {
  return {
    id: r.id,
    type: r.type,
    subject: r.subject,
    link: r.link,
    orgId: r.org_id,
    payload: publicPayload(r.payload),
    read: r.read_at !== null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

async function preferenceSet(db: Tx, owner: PreferenceOwner): Promise<PreferenceSet> {
  const rows = await listPreferences(db, owner);
  return { items: rows.map((r) => ({ eventType: r.event_type, channel: r.channel, enabled: r.enabled })), eventTypes: CONFIGURABLE };
}

/**
 * The signed-in user's in-app notifications (list, unread count, read, delete, a live stream), their notification
 * preferences, organisation defaults, and the one-click unsubscribe link of notification mails.
 */
export function notificationsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1' });

  router.get('/me/notifications', async (ctx) => {
    const p = requireUser(ctx);
    const q = inboxQuery.parse(ctx.query);
    const [items, unread] = await Promise.all([
      listInbox(deps.db, p.user.id, { limit: q.limit, unreadOnly: q.unread === 'true', before: q.before ? new Date(q.before) : undefined }),
      countUnread(deps.db, p.user.id),
    ]);
    ctx.body = { items: items.map(presentInboxItem), unread };
  });

  /** `event: inbox` with `{ unread, latest }` at once and after every change of the user's inbox. */
  router.get('/me/notifications/events', tokenFromQuery(deps), async (ctx) => {
    const p = requireUser(ctx);
    const userId = p.user.id;
    const stream = openEventStream(ctx);
    let busy = false;
    let again = false;
    const push = async (): Promise<void> => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const [latest, unread] = await Promise.all([listInbox(deps.db, userId, { limit: 1, unreadOnly: false }), countUnread(deps.db, userId)]);
          stream.send('inbox', { unread, latest: latest[0] ? presentInboxItem(latest[0]) : null });
        } while (again);
      } catch (err) {
        ctx.state.log.warn({ err }, 'could not read the inbox for a live stream');
      } finally {
        busy = false;
      }
    };
    const unsubscribe = deps.inbox.subscribe(userId, () => void push());
    const lifetime = setTimeout(() => stream.end(), MAX_STREAM_MS);
    stream.onClose(() => {
      clearTimeout(lifetime);
      unsubscribe();
    });
    await push();
  });

  router.post('/me/notifications/read-all', async (ctx) => {
    const p = requireUser(ctx);
    const updated = await deps.db.transaction(async (tx) => {
      const n = await markRead(tx, p.user.id);
      await announceInboxChanged(tx, p.user.id);
      return n;
    });
    ctx.body = { updated };
  });

  router.post('/me/notifications/:id/read', async (ctx) => {
    const p = requireUser(ctx);
    const { id } = notificationParams.parse(ctx.params);
    await deps.db.transaction(async (tx) => {
      if (!(await inboxItemExists(tx, p.user.id, id))) throw new NotFound('no such notification');
      await markRead(tx, p.user.id, id);
      await announceInboxChanged(tx, p.user.id);
    });
    ctx.status = 204;
  });

  router.delete('/me/notifications/:id', async (ctx) => {
    const p = requireUser(ctx);
    const { id } = notificationParams.parse(ctx.params);
    await deps.db.transaction(async (tx) => {
      if (!(await dismiss(tx, p.user.id, id))) throw new NotFound('no such notification');
      await announceInboxChanged(tx, p.user.id);
    });
    ctx.status = 204;
  });

  router.get('/me/notification-preferences', async (ctx) => {
    const p = requireUser(ctx);
    ctx.body = await preferenceSet(deps.db, { userId: p.user.id });
  });

  router.put('/me/notification-preferences', async (ctx) => {
    const p = requireUser(ctx);
    const input = preferencesInput.parse(await readJson(ctx));
    const rows = configurableOnly(input.preferences);
    ctx.body = await deps.db.transaction(async (tx) => {
      await replacePreferences(tx, { userId: p.user.id }, rows);
      await audit(ctx, tx, { orgId: null, action: 'notification.preferences_changed', target: p.user.email, result: 'success', details: { count: rows.length } });
      return preferenceSet(tx, { userId: p.user.id });
    });
  });

  router.get('/orgs/:org/notification-defaults', async (ctx) => {
    const { org: name } = orgDefaultsParams.parse(ctx.params);
    const org = await visibleOrg(deps.db, ctx, name);
    ctx.body = await preferenceSet(deps.db, { orgId: org.id });
  });

  router.put('/orgs/:org/notification-defaults', async (ctx) => {
    const { org: name } = orgDefaultsParams.parse(ctx.params);
    const org = await visibleOrg(deps.db, ctx, name);
    authorize(ctx, 'org.manage', { orgId: org.id });
    const input = preferencesInput.parse(await readJson(ctx));
    const rows = configurableOnly(input.preferences);
    ctx.body = await deps.db.transaction(async (tx) => {
      await replacePreferences(tx, { orgId: org.id }, rows);
      await audit(ctx, tx, { orgId: org.id, action: 'notification.defaults_changed', target: org.name, result: 'success', details: { count: rows.length } });
      return preferenceSet(tx, { orgId: org.id });
    });
  });

  router.get('/orgs/:org/teams/:team/notification-defaults', async (ctx) => {
    const { org: name, team: teamName } = teamDefaultsParams.parse(ctx.params);
    const org = await visibleOrg(deps.db, ctx, name);
    const team = await findTeam(deps.db, org.id, teamName);
    if (!team) throw new NotFound(`no team ${teamName} in ${org.name}`);
    ctx.body = await preferenceSet(deps.db, { teamId: team.id });
  });

  /** A team's defaults apply to its members in this organisation, under their own choices. */
  router.put('/orgs/:org/teams/:team/notification-defaults', async (ctx) => {
    const { org: name, team: teamName } = teamDefaultsParams.parse(ctx.params);
    const org = await visibleOrg(deps.db, ctx, name);
    const team = await findTeam(deps.db, org.id, teamName);
    if (!team) throw new NotFound(`no team ${teamName} in ${org.name}`);
    authorize(ctx, 'org.manage', { orgId: org.id });
    const input = preferencesInput.parse(await readJson(ctx));
    const rows = configurableOnly(input.preferences);
    ctx.body = await deps.db.transaction(async (tx) => {
      await replacePreferences(tx, { teamId: team.id }, rows);
      await audit(ctx, tx, { orgId: org.id, action: 'notification.team_defaults_changed', target: `${org.name}/${team.name}`, result: 'success', details: { count: rows.length } });
      return preferenceSet(tx, { teamId: team.id });
    });
  });

  /** What an unsubscribe link would turn off (no side effect: mail scanners follow GET links). */
  router.get('/notifications/unsubscribe/:token', async (ctx) => {
    const { token } = signedTokenParams.parse(ctx.params);
    const claim = readUnsubscribeToken(deps.notifications.signingSecret, token);
    if (!claim) throw new NotFound('this link is not valid', 'unsubscribe_link_invalid');
    const mine = await listPreferences(deps.db, { userId: claim.userId });
    const current = mine.find((r) => r.event_type === claim.type && r.channel === 'email');
    ctx.body = { eventType: claim.type, channel: 'email', enabled: current?.enabled ?? true };
  });

  /** One-click unsubscribe (RFC 8058): turns this event type's email off for the link's user. Idempotent. */
  router.post('/notifications/unsubscribe/:token', async (ctx) => {
    const { token } = signedTokenParams.parse(ctx.params);
    const claim = readUnsubscribeToken(deps.notifications.signingSecret, token);
    if (!claim) throw new NotFound('this link is not valid', 'unsubscribe_link_invalid');
    const user = await findUserById(deps.db, claim.userId);
    if (!user) throw new NotFound('this link is not valid', 'unsubscribe_link_invalid');
    await deps.db.transaction(async (tx) => {
      await setPreference(tx, { userId: user.id }, { eventType: claim.type, channel: 'email', enabled: false });
      await audit(ctx, tx, {
        principal: { kind: 'user', user: { id: user.id, email: user.email, name: user.name }, via: 'token' },
        orgId: null,
        action: 'notification.unsubscribed',
        target: user.email,
        result: 'success',
        details: { eventType: claim.type },
      });
    });
    ctx.body = { eventType: claim.type, channel: 'email', enabled: false };
  });

  return router;
}

/** Account mails cannot be turned off: such rows are ignored. */
function configurableOnly<T extends { eventType: (typeof EVENT_TYPES)[number] }>(rows: T[]): T[] {
  return rows.filter((r) => isConfigurable(r.eventType));
}
