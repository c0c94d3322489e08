import { z } from 'zod';
import { vcsKinds } from '../../../core/vcs/types';

export const connectionInput = z.strictObject({
  kind: z.enum(vcsKinds),
  name: z.string().trim().min(1).max(100),
  baseUrl: z.string().trim().min(1).max(2048).optional(),
  token: z.string().min(1).max(8192),
});
export type ConnectionInput = z.infer<typeof connectionInput>;

export const linkInput = z.strictObject({
  connectionId: z.uuid(),
  repository: z.string().trim().min(3).max(512),
  subdirectory: z.string().max(512).optional(),
  tagPattern: z.string().max(100).optional(),
});
export type LinkInput = z.infer<typeof linkInput>;

export const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const tagsQuery = z.object({
  repository: z.string().trim().min(3).max(512),
  tagPattern: z.string().max(100).optional(),
});

export const waitQuery = z.object({
  wait: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
});

export const idParam = z.uuid();
