import { z } from 'zod';
import { lockInfoInput, stateDiffQuery, stateVersionListQuery, stateVersionParams, storeStateQuery, unlockQuery } from '../routes/state/schemas';
import { workspaceParams } from '../routes/workspaces/schemas';
import { lockInfo, stateDiff, stateLocked, stateLockStatus, stateVersion, stateVersionPage } from '../routes/state/shapes';
import { ok, type RouteSpec } from './route-spec';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });
const base = '/api/v1/orgs/{org}/workspaces/{ws}/state';
/** A Terraform/OpenTofu state file (format version 4), exactly as the engine wrote it. */
const locked = ok("locked by someone else: the holder's lock info, and the error (`state_locked`)", stateLocked);
const stateFile = z.object({ version: z.literal(4), serial: z.number().int().min(0), lineage: z.string().min(1) }).loose();

/**
 * A workspace's state through the Terraform/OpenTofu http backend protocol (with an API token as the basic-auth
 * password, any username), and its kept versions.
 */
export const stateRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: base,
    summary: "The workspace's current state file (http backend GET)",
    auth: true,
    params: workspaceParams,
    responses: { 200: ok('the state file', stateFile) },
    errors: [401, 403, 404],
  },
  {
    method: 'post',
    path: base,
    summary: 'Store a new state version (http backend POST)',
    description:
      'The serial must be above the current one (409 `state_serial_stale`) and the lineage the current one\'s (409 `state_lineage_mismatch`); ' +
      'the exact bytes of the current version again answer 200. While the state is locked, `?ID=` must name the lock (423 `state_locked` with the holder\'s lock info otherwise).',
    auth: true,
    params: workspaceParams,
    query: storeStateQuery,
    body: json(stateFile),
    responses: { 200: ok('the same bytes as the current version: nothing stored', stateVersion), 201: ok('stored', stateVersion), 423: locked },
    errors: [400, 401, 403, 404, 409, 413, 415],
  },
  { method: 'get', path: `${base}/lock`, summary: 'Whether the state is locked, and by whom', auth: true, params: workspaceParams, responses: { 200: ok('the lock', stateLockStatus) }, errors: [401, 404] },
  {
    method: 'post',
    path: `${base}/lock`,
    summary: 'Lock the state (http backend LOCK; the `LOCK` method is served here too)',
    description: "A lock held by someone else is answered 423 with the holder's lock info at the top level of the body (what the http backend shows).",
    auth: true,
    params: workspaceParams,
    body: json(lockInfoInput),
    responses: { 200: ok('locked', lockInfo), 423: locked },
    errors: [400, 401, 403, 404, 413, 415],
  },
  {
    method: 'delete',
    path: `${base}/lock`,
    summary: 'Unlock the state (http backend UNLOCK; the `UNLOCK` method is served here too)',
    description:
      'Releases the lock whose ID the body (the lock info) or `?ID=` names; another ID is answered 423. `?force=true` releases any lock, a run\'s included (workspace admins). ' +
      'Unlocking a state that is not locked answers 200.',
    auth: true,
    params: workspaceParams,
    query: unlockQuery,
    responses: { 200: ok('the lock after the release', stateLockStatus), 423: locked },
    errors: [400, 401, 403, 404, 413, 415],
  },
  {
    method: 'get',
    path: `${base}/versions`,
    summary: 'Kept state versions, newest first (metadata only)',
    auth: true,
    params: workspaceParams,
    query: stateVersionListQuery,
    responses: { 200: ok('versions', stateVersionPage) },
    errors: [400, 401, 404],
  },
  {
    method: 'get',
    path: `${base}/versions/{id}`,
    summary: "One version's state file",
    auth: true,
    params: stateVersionParams,
    responses: { 200: ok('the state file', stateFile) },
    errors: [400, 401, 403, 404],
  },
  {
    method: 'get',
    path: `${base}/versions/{id}/diff`,
    summary: 'Resources added, removed and changed (attribute paths, never values) from version `against` to this one',
    auth: true,
    params: stateVersionParams,
    query: stateDiffQuery,
    responses: { 200: ok('the diff', stateDiff) },
    errors: [400, 401, 404],
  },
  {
    method: 'post',
    path: `${base}/versions/{id}/restore`,
    summary: "Roll back: a new version (serial = current + 1) with this version's content (workspace admins; refused while locked)",
    auth: true,
    params: stateVersionParams,
    responses: { 201: ok('the new version', stateVersion), 423: locked },
    errors: [400, 401, 403, 404],
  },
];
