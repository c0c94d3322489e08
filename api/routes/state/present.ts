import type { StateLockRow } from '../../../core/db/repos/state-locks';
import type { StateVersionMeta } from '../../../core/db/repos/state-versions';
import type { StateLockStatus, StateVersion } from './shapes';

export function presentStateVersion(v: StateVersionMeta): StateVersion {
  return {
    id: v.id,
    serial: v.serial,
    lineage: v.lineage,
    sha256: v.sha256,
    size: v.size,
    resources: v.resource_count,
    createdBy: v.created_by_label,
    runId: v.run_id,
    restoredFrom: v.restored_from,
    createdAt: v.created_at.toISOString(),
  };
}

export function presentStateLock(lock: StateLockRow | null): StateLockStatus {
  if (!lock) return { locked: false, lock: null };
  return { locked: true, lock: { id: lock.lock_id, info: { ...lock.info, ID: lock.lock_id }, runId: lock.run_id, lockedAt: lock.created_at.toISOString() } };
}
