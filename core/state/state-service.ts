import { createHash } from 'node:crypto';
import type { SecretBox } from '../crypto/envelope';
import type { Db, Tx } from '../db/knex';
import { findStateLock, tryLockState, unlockState, type LockInfo, type StateLockRow } from '../db/repos/state-locks';
import {
  findCurrentStateVersion,
  findCurrentStateVersionMeta,
  findStateVersion,
  insertStateVersion,
  lockWorkspaceState,
  type StateVersionMeta,
  type StateVersionRow,
} from '../db/repos/state-versions';
import { Conflict, Invalid, Locked, NotFound } from '../errors';
import { diffStates, type StateDiff } from './state-diff';
import { parseStateFile } from './state-file';

/**
 * A workspace's state: every version kept, sealed with envelope encryption (context `state:<workspaceId>:<serial>`),
 * ordered by serial within one lineage, guarded by the workspace's state lock. Used by the http state backend
 * routes and by the run workflow's activities.
 */
export interface StateDeps {
  db: Db;
  secrets: SecretBox;
}

/** Who writes a version (recorded on it). */
export interface StateWriter {
  /** The run whose engine wrote it (its token), if any. */
  runId: string | null;
  userId: string | null;
  label: string | null;
}

/** Called inside the transaction of a change, so its audit entry lands with it or not at all. */
export type InTransaction<T> = (tx: Tx, result: T) => Promise<void>;

const contextOf = (workspaceId: string, serial: number) => `state:${workspaceId}:${serial}`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function openVersion(deps: StateDeps, row: StateVersionRow): string {
  return deps.secrets.open(row.sealed, contextOf(row.workspace_id, row.serial));
}

const lockedBy = (holder: StateLockRow, what: string) =>
  new Locked(`${what}: the state is locked (lock ${holder.lock_id}${holder.run_id ? `, held by run ${holder.run_id}` : ''})`, { ...holder.info }, 'state_locked');

/**
 * The lock rule for writes: while the state is locked, a write must name the lock (`?ID=`), or come from the run
 * that holds it. A write naming a lock that is not held (it was force-unlocked meanwhile) is refused. A run's own
 * token writes only while its run holds the lock.
 */
function checkWriteLock(holder: StateLockRow | undefined, lockId: string | null, runId: string | null): void {
  if (holder) {
    if (lockId !== null && holder.lock_id === lockId) return;
    if (runId !== null && holder.run_id === runId) return;
    throw lockedBy(holder, 'refused');
  }
  if (lockId !== null) throw new Conflict(`lock ${lockId} is not held (it may have been force-unlocked): take the lock again`, 'state_lock_not_held');
  if (runId !== null) throw new Conflict('a run writes state only while it holds the state lock', 'state_lock_required');
}

async function insertVersion(
  tx: Tx,
  deps: StateDeps,
  input: { workspaceId: string; bytes: Buffer; serial: number; lineage: string; resourceCount: number; writer: StateWriter; restoredFrom: string | null },
): Promise<StateVersionMeta> {
  return insertStateVersion(tx, {
    workspace_id: input.workspaceId,
    serial: input.serial,
    lineage: input.lineage,
    sealed: deps.secrets.seal(input.bytes.toString('utf8'), contextOf(input.workspaceId, input.serial)),
    sha256: sha256(input.bytes),
    size: input.bytes.length,
    resource_count: input.resourceCount,
    run_id: input.writer.runId,
    created_by: input.writer.userId,
    created_by_label: input.writer.label,
    restored_from: input.restoredFrom,
  });
}

/**
 * Stores a new version of the workspace's state, as the http backend's POST does.
 * Idempotent: the exact bytes of the current version again answer that version (`created: false`).
 * @throws Invalid `state_invalid`; Conflict `state_lineage_mismatch` (another state's lineage),
 *   `state_serial_stale` (serial not above the current one), `state_lock_not_held`, `state_lock_required`;
 *   Locked `state_locked` (locked by someone else)
 */
export async function storeState(
  deps: StateDeps,
  input: { workspaceId: string; bytes: Buffer; lockId: string | null; writer: StateWriter },
  record?: InTransaction<StateVersionMeta>,
): Promise<{ version: StateVersionMeta; created: boolean }> {
  const parsed = parseStateFile(input.bytes);
  return deps.db.transaction(async (tx) => {
    if (!(await lockWorkspaceState(tx, input.workspaceId))) throw new NotFound('the workspace is gone', 'workspace_not_found');
    checkWriteLock(await findStateLock(tx, input.workspaceId), input.lockId, input.writer.runId);
    const current = await findCurrentStateVersionMeta(tx, input.workspaceId);
    if (current) {
      if (current.lineage !== parsed.lineage) {
        throw new Conflict(`the state's lineage ${parsed.lineage} is not this workspace's (${current.lineage}): it is another state`, 'state_lineage_mismatch');
      }
      if (current.sha256 === sha256(input.bytes)) return { version: current, created: false };
      if (parsed.serial <= current.serial) {
        throw new Conflict(`serial ${parsed.serial} is not above the current serial ${current.serial}: the state is stale (refresh and retry)`, 'state_serial_stale');
      }
    }
    const version = await insertVersion(tx, deps, { ...input, serial: parsed.serial, lineage: parsed.lineage, resourceCount: parsed.resourceCount, restoredFrom: null });
    await record?.(tx, version);
    return { version, created: true };
  });
}

/** The workspace's current state (for the run workflow and the backend's GET); null when none was written yet. */
export async function readCurrentState(deps: StateDeps, workspaceId: string): Promise<{ serial: number; lineage: string; json: string } | null> {
  const current = await findCurrentStateVersion(deps.db, workspaceId);
  if (!current) return null;
  return { serial: current.serial, lineage: current.lineage, json: openVersion(deps, current) };
}

/** One version's metadata and content. @throws NotFound `state_version_not_found` */
export async function readStateVersion(deps: StateDeps, workspaceId: string, versionId: string): Promise<{ version: StateVersionMeta; json: string }> {
  const row = await findStateVersion(deps.db, workspaceId, versionId);
  if (!row) throw new NotFound(`no state version ${versionId} in this workspace`, 'state_version_not_found');
  const { sealed: _sealed, ...version } = row;
  return { version, json: openVersion(deps, row) };
}

/**
 * The resource-level changes from version `againstId` to version `versionId` (paths, never values).
 * @throws NotFound `state_version_not_found`; Invalid `state_encrypted` (a client-encrypted state cannot be read)
 */
export async function diffStateVersions(deps: StateDeps, workspaceId: string, versionId: string, againstId: string): Promise<{ from: StateVersionMeta; to: StateVersionMeta; diff: StateDiff }> {
  const [to, from] = await Promise.all([readStateVersion(deps, workspaceId, versionId), readStateVersion(deps, workspaceId, againstId)]);
  const [a, b] = [parseStateFile(Buffer.from(from.json)), parseStateFile(Buffer.from(to.json))];
  if (a.encrypted || b.encrypted) throw new Invalid('the state is encrypted by the client: Strata cannot read its resources', 'state_encrypted');
  return { from: from.version, to: to.version, diff: diffStates(a.document, b.document) };
}

/**
 * Rolls the state back to an earlier version: writes a new version (serial = current + 1) with that version's
 * content, recording where it came from. Refused while the state is locked (a run or a user is working on it).
 * @throws NotFound `state_version_not_found`; Locked `state_locked`; Invalid `state_encrypted`
 */
export async function restoreStateVersion(
  deps: StateDeps,
  input: { workspaceId: string; versionId: string; writer: StateWriter },
  record?: InTransaction<StateVersionMeta>,
): Promise<StateVersionMeta> {
  return deps.db.transaction(async (tx) => {
    if (!(await lockWorkspaceState(tx, input.workspaceId))) throw new NotFound('the workspace is gone', 'workspace_not_found');
    const holder = await findStateLock(tx, input.workspaceId);
    if (holder) throw lockedBy(holder, 'cannot restore');
    const source = await findStateVersion(tx, input.workspaceId, input.versionId);
    if (!source) throw new NotFound(`no state version ${input.versionId} in this workspace`, 'state_version_not_found');
    const current = (await findCurrentStateVersionMeta(tx, input.workspaceId))!;
    const parsed = parseStateFile(Buffer.from(openVersion(deps, source)));
    // The serial lives inside the content too: the engine reads it from there and must write above it.
    if (parsed.encrypted) throw new Invalid('the state is encrypted by the client: Strata cannot rewrite its serial', 'state_encrypted');
    const serial = current.serial + 1;
    const bytes = Buffer.from(`${JSON.stringify({ ...parsed.document, serial, lineage: current.lineage }, null, 2)}\n`);
    const version = await insertVersion(tx, deps, {
      workspaceId: input.workspaceId,
      bytes,
      serial,
      lineage: current.lineage,
      resourceCount: parsed.resourceCount,
      writer: input.writer,
      restoredFrom: source.id,
    });
    await record?.(tx, version);
    return version;
  });
}

/** Who asks for a lock or its release. */
export interface LockRequester {
  /** A run's own token: the run's lock counts as its own. */
  runId: string | null;
}

/**
 * Takes the state lock with the client's lock info (the http backend's LOCK). Taking it again with the same ID is
 * harmless; a run's token asking while its run holds the lock is answered as if it took it (the run workflow owns
 * that lock from plan to apply).
 * @throws Locked `state_locked` with the holder's lock info
 */
export async function lockState(
  deps: StateDeps,
  input: { workspaceId: string; info: LockInfo; requester: LockRequester },
  record?: InTransaction<{ taken: boolean }>,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const holder = await tryLockState(tx, { workspaceId: input.workspaceId, info: input.info, runId: input.requester.runId });
    if (holder && !(input.requester.runId !== null && holder.run_id === input.requester.runId)) throw lockedBy(holder, 'cannot lock');
    await record?.(tx, { taken: !holder });
  });
}

/**
 * Releases the state lock (the http backend's UNLOCK). With `lockId` only its holder's ID releases it; with
 * `force` (workspace admins, checked by the caller) any lock. A lock a run holds is released by its workflow or
 * by force, never by someone who learnt its ID. Releasing a lock that is not held answers `released: false`,
 * so a retried UNLOCK is harmless.
 * @throws Locked `state_locked` when the ID is not the holder's
 */
export async function unlockStateLock(
  deps: StateDeps,
  input: { workspaceId: string; lockId: string | null; force: boolean; requester: LockRequester },
  record?: InTransaction<{ released: StateLockRow }>,
): Promise<{ released: StateLockRow | null }> {
  return deps.db.transaction(async (tx) => {
    const holder = await findStateLock(tx, input.workspaceId);
    if (!holder) return { released: null };
    if (!input.force) {
      // The run's engine releasing "its" lock: the workflow keeps holding it until the run ends.
      if (input.requester.runId !== null && holder.run_id === input.requester.runId && holder.lock_id !== input.lockId) return { released: null };
      if (holder.lock_id !== input.lockId) throw lockedBy(holder, 'cannot unlock with another lock ID');
      if (holder.run_id !== null && holder.run_id !== input.requester.runId) throw lockedBy(holder, 'a run holds the lock; only a workspace admin can force-unlock it');
    }
    if (!(await unlockState(tx, input.workspaceId, holder.lock_id))) return { released: null };
    await record?.(tx, { released: holder });
    return { released: holder };
  });
}

/** The lock as it stands (null: unlocked). */
export async function currentStateLock(deps: Pick<StateDeps, 'db'>, workspaceId: string): Promise<StateLockRow | null> {
  return (await findStateLock(deps.db, workspaceId)) ?? null;
}

