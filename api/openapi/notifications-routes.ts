import { z } from 'zod';
import { inboxQuery, notificationParams, orgDefaultsParams, preferencesInput, signedTokenParams, teamDefaultsParams } from '../routes/notifications/schemas';
import { actionDone, actionLink, inbox, preferenceSet, readAll, unsubscribed } from '../routes/notifications/shapes';
import { ok, type RouteSpec } from './route-spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });

/** The inbox, notification preferences, unsubscribe links and approve-from-the-inbox action links. */
export const notificationsRoutes: RouteSpec[] = [
  { method: 'get', path: '/api/v1/me/notifications', summary: 'My in-app notifications, newest first, with the unread count', auth: true, query: inboxQuery, responses: { 200: ok('notifications', inbox) }, errors: [400, 401, 403] },
  {
    method: 'get',
    path: '/api/v1/me/notifications/events',
    summary: 'Live inbox changes as Server-Sent Events (token also accepted as ?token=, for EventSource)',
    description: '`event: inbox` with `{ unread, latest }` at once and after every change of my inbox.',
    auth: true,
    query: z.object({ token: z.string().optional() }),
    responses: { 200: { description: 'inbox events', schema: z.string(), mediaType: 'text/event-stream' } },
    errors: [401, 403],
  },
  { method: 'post', path: '/api/v1/me/notifications/read-all', summary: 'Mark all my notifications read', auth: true, responses: { 200: ok('marked', readAll) }, errors: [401, 403] },
  { method: 'post', path: '/api/v1/me/notifications/{id}/read', summary: 'Mark one notification read', auth: true, params: notificationParams, responses: { 204: ok('marked') }, errors: [400, 401, 403, 404] },
  { method: 'delete', path: '/api/v1/me/notifications/{id}', summary: 'Delete one notification from my inbox', auth: true, params: notificationParams, responses: { 204: ok('deleted') }, errors: [400, 401, 403, 404] },
  { method: 'get', path: '/api/v1/me/notification-preferences', summary: 'My notification preferences (event type × channel)', auth: true, responses: { 200: ok('preferences', preferenceSet) }, errors: [401, 403] },
  {
    method: 'put',
    path: '/api/v1/me/notification-preferences',
    summary: 'Replace my notification preferences (unlisted ones fall back to team, organisation and built-in defaults)',
    auth: true,
    body: json(preferencesInput),
    responses: { 200: ok('preferences', preferenceSet) },
    errors: [400, 401, 403, 413, 415],
  },
  { method: 'get', path: '/api/v1/orgs/{org}/notification-defaults', summary: "The organisation's notification defaults", auth: true, params: orgDefaultsParams, responses: { 200: ok('defaults', preferenceSet) }, errors: [401, 404] },
  {
    method: 'put',
    path: '/api/v1/orgs/{org}/notification-defaults',
    summary: "Replace the organisation's notification defaults (admins)",
    auth: true,
    params: orgDefaultsParams,
    body: json(preferencesInput),
    responses: { 200: ok('defaults', preferenceSet) },
    errors: [400, 401, 403, 404, 413, 415],
  },
  { method: 'get', path: '/api/v1/orgs/{org}/teams/{team}/notification-defaults', summary: "A team's notification defaults for its members", auth: true, params: teamDefaultsParams, responses: { 200: ok('defaults', preferenceSet) }, errors: [401, 404] },
  {
    method: 'put',
    path: '/api/v1/orgs/{org}/teams/{team}/notification-defaults',
    summary: "Replace a team's notification defaults (admins)",
    auth: true,
    params: teamDefaultsParams,
    body: json(preferencesInput),
    responses: { 200: ok('defaults', preferenceSet) },
    errors: [400, 401, 403, 404, 413, 415],
  },
  {
    method: 'get',
    path: '/api/v1/notifications/unsubscribe/{token}',
    summary: "What a mail's unsubscribe link turns off (no side effect)",
    params: signedTokenParams,
    responses: { 200: ok('the email preference it changes', unsubscribed) },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/api/v1/notifications/unsubscribe/{token}',
    summary: "One-click unsubscribe (RFC 8058): turns the link's event type's email off for its user",
    params: signedTokenParams,
    responses: { 200: ok('turned off', unsubscribed) },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/api/v1/action-links/{token}',
    summary: "What a mail's action link (approve / discard a run) would do, without doing it",
    auth: true,
    params: signedTokenParams,
    responses: { 200: ok('the action', actionLink) },
    errors: [400, 401, 403, 404, 409, 410],
  },
  {
    method: 'post',
    path: '/api/v1/action-links/{token}/confirm',
    summary: "Carry out an action link's action: only its own person, signed in, only once",
    description: 'Forged or unknown: 404; expired: 410; used before: 409 `action_link_used`; not yours: 403; no handler on this server: 409 `action_unavailable`.',
    auth: true,
    params: signedTokenParams,
    responses: { 200: ok('done', actionDone) },
    errors: [400, 401, 403, 404, 409, 410],
  },
];
