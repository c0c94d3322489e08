import type { Role } from '../auth/policy';
import type { EventType } from './event-types';

/** Where a notification can reach a person (webhooks are an organisation's, not a person's: see the webhook code). */
export const CHANNELS = ['email', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Personal security events: the user they are about hears of them by email and in the app, unless they opt out. */
const SECURITY_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['token.created', 'user.new_sign_in']);

/**
 * Account mails carry a single-use link (verify, reset, invitation): always sent by email, never shown in the app
 * (the link is a secret), and not something a preference can turn off.
 */
export const ACCOUNT_MAILS: ReadonlySet<EventType> = new Set<EventType>(['user.verify_email', 'user.password_reset', 'user.invited']);

/** What an organisation's owners and admins hear of unless they opt out. */
const ADMIN_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'vcs.tag_moved',
  'run.errored',
  'credential.invalid',
  'credential.expiring',
  'module.publish_failed',
  'provider.publish_failed',
  'webhook.disabled',
  'plugin.access_requested',
]);

/** Events of an organisation addressed to one member (the event's user): they hear of it unless they opt out. */
const ADDRESSED_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['plugin.access_decided']);

/** Payload keys that never leave the email they were made for: not in the inbox, not in webhook bodies. */
export const PRIVATE_PAYLOAD_KEYS: readonly string[] = ['sealedLink'];

/** The payload as the dashboard and webhooks may show it. */
export function publicPayload(payload: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(payload).filter(([k]) => !PRIVATE_PAYLOAD_KEYS.includes(k)));
}

/** Is the event personal (one user, no organisation's members)? */
export const isPersonal = (type: EventType): boolean => SECURITY_EVENTS.has(type) || ACCOUNT_MAILS.has(type);

/** May a preference turn this event's channel on or off? Account mails are fixed. */
export const isConfigurable = (type: EventType): boolean => !ACCOUNT_MAILS.has(type) && type !== 'webhook.test';

/** The built-in default before anyone set a preference. */
export function builtInDefault(input: {
  type: EventType;
  channel: Channel;
  /** The recipient's role in the event's organisation (null for personal events). */
  role: Role | null;
  /** For `run.awaiting_approval`: is the recipient one of the run's approvers? */
  approver: boolean;
}): boolean {
  const { type, channel, role } = input;
  if (ACCOUNT_MAILS.has(type)) return channel === 'email';
  if (SECURITY_EVENTS.has(type) || ADDRESSED_EVENTS.has(type)) return true;
  if (type === 'run.awaiting_approval') return input.approver;
  if (ADMIN_EVENTS.has(type)) return role === 'admin' || role === 'owner';
  return false;
}

/**
 * The setting that decides, most specific first: the user's own choice, then their teams' defaults (any team that
 * turns the event on wins over one that turns it off), then the organisation's default, then the built-in one.
 */
export function decide(input: { user?: boolean; teams: boolean[]; org?: boolean; builtIn: boolean }): boolean {
  if (input.user !== undefined) return input.user;
  if (input.teams.length > 0) return input.teams.includes(true);
  if (input.org !== undefined) return input.org;
  return input.builtIn;
}
