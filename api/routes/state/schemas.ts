import { z } from 'zod';
import { workspaceParams } from '../workspaces/schemas';

export const stateVersionParams = workspaceParams.extend({ id: z.uuid() });

/** `POST …/state`: the lock ID the client holds (the http backend adds it while it holds the lock). */
export const storeStateQuery = z.object({ ID: z.string().min(1).max(256).optional() });

/**
 * The lock info the http backend sends with LOCK and UNLOCK (Terraform's `statemgr.LockInfo`, field names as
 * sent). Only `ID` is required; the rest is shown to whoever finds the state locked.
 */
export const lockInfoInput = z.object({
  ID: z.string().trim().min(1).max(256),
  Operation: z.string().max(256).optional(),
  Info: z.string().max(4096).optional(),
  Who: z.string().max(512).optional(),
  Version: z.string().max(64).optional(),
  // Go's time.Time reads RFC 3339 only: anything else would break the client that reads a refusal.
  Created: z.iso.datetime({ offset: true, local: false }).optional(),
  Path: z.string().max(1024).optional(),
});

/** `DELETE …/state/lock` (UNLOCK): `force=true` releases whoever's lock (workspace admins). */
export const unlockQuery = z.object({ force: z.enum(['true', 'false']).optional(), ID: z.string().min(1).max(256).optional() });
/** The UNLOCK body: the lock info of the lock to release (only its `ID` matters). */
export const unlockInput = z.object({ ID: z.string().trim().min(1).max(256).optional() });

export const stateVersionListQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});

export const stateDiffQuery = z.object({ against: z.uuid() });
