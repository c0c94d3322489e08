import type { Tx } from '../knex';

/** The lock info the http backend sends with LOCK (Terraform's `statemgr.LockInfo`, field names as sent). */
export interface LockInfo {
  ID: string;
  Operation?: string;
  Info?: string;
  Who?: string;
  Version?: string;
  Created?: string;
  Path?: string;
}

export interface StateLockRow {
  workspace_id: string;
  lock_id: string;
  info: LockInfo;
  run_id: string | null;
  created_at: Date;
}

export async function findStateLock(db: Tx, workspaceId: string): Promise<StateLockRow | undefined> {
  return db<StateLockRow>('state_locks').where({ workspace_id: workspaceId }).first();
}

/**
 * Takes the workspace's state lock unless someone holds it: returns null when taken, else the holder's row.
 * Taking a lock one already holds (same lock id) succeeds again, so a retried LOCK or activity is harmless.
 */
export async function tryLockState(db: Tx, input: { workspaceId: string; info: LockInfo; runId?: string | null }): Promise<StateLockRow | null> {
  const inserted = await db('state_locks')
    .insert({ workspace_id: input.workspaceId, lock_id: input.info.ID, info: JSON.stringify(input.info), run_id: input.runId ?? null })
    .onConflict('workspace_id')
    .ignore()
    .returning('workspace_id');
  if (inserted.length) return null;
  const holder = await findStateLock(db, input.workspaceId);
  if (!holder) return tryLockState(db, input); // released in between
  return holder.lock_id === input.info.ID ? null : holder;
}

/** Releases the lock if `lockId` holds it (or any holder when `lockId` is null: force-unlock). True when released. */
export async function unlockState(db: Tx, workspaceId: string, lockId: string | null): Promise<boolean> {
  const q = db('state_locks').where({ workspace_id: workspaceId });
  if (lockId !== null) q.andWhere({ lock_id: lockId });
  return (await q.delete()) > 0;
}
