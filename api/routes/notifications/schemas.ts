import { z } from 'zod';
import { EVENT_TYPES } from '../../../core/notifications/event-types';
import { CHANNELS } from '../../../core/notifications/rules';
import { orgParams } from '../orgs/schemas';
import { teamParams } from '../teams/schemas';

export const inboxQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.iso.datetime().optional(),
});

export const notificationParams = z.object({ id: z.uuid() });

const preference = z.object({ eventType: z.enum(EVENT_TYPES), channel: z.enum(CHANNELS), enabled: z.boolean() });

/** The whole set: what is not listed falls back to the next level (team, organisation, built-in default). */
export const preferencesInput = z.object({
  preferences: z
    .array(preference)
    .max(EVENT_TYPES.length * CHANNELS.length)
    .refine((list) => new Set(list.map((p) => `${p.eventType}/${p.channel}`)).size === list.length, 'each event type and channel at most once'),
});

export const orgDefaultsParams = orgParams;
export const teamDefaultsParams = teamParams;

export const signedTokenParams = z.object({ token: z.string().min(1).max(2048) });
