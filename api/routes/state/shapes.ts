import { z } from 'zod';
import { errorBody, isoDateTime, pageOf } from '../common-shapes';

/** One kept version of a workspace's state (its content is answered by `…/state/versions/{id}`, never here). */
export const stateVersion = z.object({
  id: z.string(),
  serial: z.number().int(),
  lineage: z.string(),
  sha256: z.string(),
  /** Bytes of the state file. */
  size: z.number().int(),
  /** Instances of managed resources. */
  resources: z.number().int(),
  /** Who wrote it: a user's email, a token's name, or the run. */
  createdBy: z.string().nullable(),
  /** The run whose engine wrote it. */
  runId: z.string().nullable(),
  /** Set on a rollback: the version whose content this one repeats. */
  restoredFrom: z.string().nullable(),
  createdAt: isoDateTime,
});
export type StateVersion = z.infer<typeof stateVersion>;
export const stateVersionPage = pageOf(stateVersion);

/** Terraform's lock info, field names as the http backend sends and reads them. */
export const lockInfo = z.object({
  ID: z.string(),
  Operation: z.string().optional(),
  Info: z.string().optional(),
  Who: z.string().optional(),
  Version: z.string().optional(),
  Created: z.string().optional(),
  Path: z.string().optional(),
});

/** 423: the holder's lock info at the top level (what the http backend reads and prints), the error beside it. */
export const stateLocked = lockInfo.extend({ error: errorBody.shape.error });

export const stateLockStatus = z.object({
  locked: z.boolean(),
  lock: z
    .object({
      id: z.string(),
      info: lockInfo,
      /** The run holding the lock (released by its workflow whatever happens to the run). */
      runId: z.string().nullable(),
      lockedAt: isoDateTime,
    })
    .nullable(),
});
export type StateLockStatus = z.infer<typeof stateLockStatus>;

/** What changed between two versions: addresses and attribute paths, never values. */
export const stateDiff = z.object({
  from: stateVersion,
  to: stateVersion,
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.object({ address: z.string(), attributes: z.array(z.string()) })),
  outputs: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }),
});
export type StateDiffView = z.infer<typeof stateDiff>;
