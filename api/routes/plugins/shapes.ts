import { z } from 'zod';
import { isoDateTime, itemsOf } from '../common-shapes';

/** One input of a plugin as the generated form renders it (a property of the version's JSON Schema). */
export const pluginInputProperty = z
  .object({
    type: z.enum(['string', 'number', 'integer', 'boolean']),
    title: z.string().optional(),
    description: z.string().optional(),
    default: z.unknown().optional(),
    enum: z.array(z.unknown()).optional(),
  })
  .loose();
export type PluginInputProperty = z.infer<typeof pluginInputProperty>;

/** A version's input schema: a JSON Schema of type object. */
export const pluginInputSchema = z
  .object({ type: z.literal('object'), properties: z.record(z.string(), pluginInputProperty).optional(), required: z.array(z.string()).optional() })
  .loose();
export type PluginInputSchema = z.infer<typeof pluginInputSchema>;

export const pluginSummary = z.object({
  name: z.string(),
  org: z.string(),
  description: z.string(),
  /** A locked plugin is deployed only by admins and by members whose access request was approved. */
  locked: z.boolean(),
  /** The highest published version (semver order); null before the first. */
  latestVersion: z.string().nullable(),
  versionCount: z.number().int(),
  createdAt: isoDateTime,
});
export type PluginSummary = z.infer<typeof pluginSummary>;
export const pluginList = itemsOf(pluginSummary);

export const pluginVersionSummary = z.object({
  version: z.string(),
  description: z.string(),
  entry: z.enum(['index.js', 'index.ts']),
  sha256: z.string(),
  publishedAt: isoDateTime,
});

export const pluginDetail = pluginSummary.extend({
  /** Newest first (semver order). */
  versions: z.array(pluginVersionSummary),
  /** May the caller deploy it (unlocked and publisher, admin, or an approved request)? */
  canUse: z.boolean(),
  /** The caller's own pending or approved access request, if any. */
  myAccessRequest: z.object({ id: z.string(), status: z.enum(['pending', 'approved']) }).nullable(),
});
export type PluginDetail = z.infer<typeof pluginDetail>;

export const pluginVersion = pluginVersionSummary.extend({ name: z.string(), org: z.string(), inputs: pluginInputSchema });
export type PluginVersion = z.infer<typeof pluginVersion>;

/** The answer of a publish with `?wait=true`. */
export const pluginPublished = z.object({
  workflowId: z.string(),
  statusUrl: z.url(),
  org: z.string(),
  name: z.string(),
  version: z.string(),
  versionId: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  entry: z.enum(['index.js', 'index.ts']),
  publishedAt: isoDateTime,
});

export const accessRequestStatus = z.enum(['pending', 'approved', 'rejected', 'revoked']);
export const pluginAccessRequest = z.object({
  id: z.string(),
  plugin: z.string(),
  user: z.object({ id: z.string(), email: z.string().optional(), name: z.string().nullable().optional() }),
  status: accessRequestStatus,
  reason: z.string().nullable(),
  decidedAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});
export type PluginAccessRequest = z.infer<typeof pluginAccessRequest>;
export const pluginAccessRequestList = itemsOf(pluginAccessRequest);
