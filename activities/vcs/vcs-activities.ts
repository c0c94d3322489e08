import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { activityInfo, cancellationSignal, Context, heartbeat, log } from '@temporalio/activity';
import type { Db } from '../../core/db/knex';
import { findModuleVersion, listModuleVersions } from '../../core/db/repos/modules';
import { updateVcsDelivery, type DeliveryResult } from '../../core/db/repos/vcs-deliveries';
import { listVcsLinkIds, markVcsLinkSynced } from '../../core/db/repos/vcs-links';
import { raiseNotification } from '../../core/db/repos/vcs-notifications';
import { dispatchNotifications, emitNotification } from '../../core/notifications/emit';
import { recordVcsViolation } from '../../core/db/repos/vcs-violations';
import { InvalidArtifact } from '../../core/errors';
import type { ExtractLimits } from '../../core/registry/archive';
import type { BlobStorage } from '../../core/storage/storage';
import { workTempPrefix } from '../../core/sweeper';
import type { VcsRuntime } from '../../core/vcs/runtime';
import { versionFromTag } from '../../core/vcs/tag-pattern';
import { COMMIT_SHA } from '../../core/vcs/types';
import type { ModuleCoordinates } from '../../workflows/types';
import { withDomainFailures } from '../failures';
import { heartbeating, heartbeatWhile, progressHeartbeat } from '../heartbeat';
import { clientForConnection, loadLink, requireRuntime } from './connect';
import { createVcsConnectionActivities } from './connection-activities';
import { repackModuleSource, saveDownload } from './module-source';

export type { ConnectionCheck } from './connection-activities';

export interface VcsActivityDeps {
  db: Db;
  storage: BlobStorage;
  limits: ExtractLimits;
  /** Absent on workers started without VCS support: VCS activities then fail permanently with `vcs_not_configured`. */
  vcs?: VcsRuntime;
}

export interface TagContext {
  module: ModuleCoordinates;
  repository: string;
  repositoryUrl: string;
  /** The registry version the tag stands for, or null when it does not match the link's tag pattern. */
  version: string | null;
}

export interface ReleaseTag {
  tag: string;
  version: string;
  commitSha: string;
  /** Commit recorded on the published version: undefined = not published, null = published without one (upload). */
  publishedSha?: string | null;
}

/** Side effects of VCS publishing. Each is idempotent: retrying after a crash repeats no visible effect. */
export function createVcsActivities(deps: VcsActivityDeps) {
  const { db, storage, limits, vcs } = deps;
  const runtime = () => requireRuntime(vcs);

  return {
    ...createVcsConnectionActivities(deps),

    /** The link's module and repository, and the version a tag stands for under the link's tag pattern. */
    async describeVcsTag(input: { linkId: string; tag: string }): Promise<TagContext> {
      return withDomainFailures(async () => {
        const link = await loadLink(db, input.linkId);
        const client = await clientForConnection(db, runtime(), link.connection_id);
        return {
          module: { namespace: link.namespace, name: link.name, system: link.system },
          repository: link.repository,
          repositoryUrl: client.repositoryUrl(link.repository),
          version: versionFromTag(link.tag_pattern, input.tag),
        };
      });
    },

    /** Where the tag points now, asked of the provider's API (never taken from a webhook payload); null = no such tag. */
    async resolveVcsTag(input: { linkId: string; tag: string }): Promise<{ commitSha: string | null }> {
      return withDomainFailures(async () => {
        const link = await loadLink(db, input.linkId);
        const client = await clientForConnection(db, runtime(), link.connection_id);
        const sha = await client.resolveTag(link.repository, input.tag);
        if (sha !== null && !COMMIT_SHA.test(sha)) throw new InvalidArtifact(`the provider returned ${JSON.stringify(sha)} as the commit of tag ${input.tag}`, 'vcs_bad_commit');
        return { commitSha: sha };
      });
    },

    async findPublishedVersion(input: { module: ModuleCoordinates; version: string }): Promise<{ versionId: string; commitSha: string | null } | null> {
      const row = await findModuleVersion(db, input.module, input.version);
      return row ? { versionId: String(row.id), commitSha: row.commit_sha } : null;
    },

    /**
     * Records that a published version's tag now points elsewhere, and raises a critical notification, both
     * once per distinct move. Nothing is published or changed.
     */
    async recordTagMoved(input: {
      linkId: string;
      module: ModuleCoordinates;
      tag: string;
      version: string;
      versionId: string;
      recordedSha: string | null;
      observedSha: string;
      detectedBy: string;
      workflowId: string;
    }): Promise<{ newlyRecorded: boolean }> {
      const recorded = await db.transaction(async (tx) => {
        const row = await recordVcsViolation(tx, {
          link_id: input.linkId,
          module_version_id: input.versionId,
          tag: input.tag,
          version: input.version,
          recorded_sha: input.recordedSha,
          observed_sha: input.observedSha,
          detected_by: input.detectedBy,
          workflow_id: input.workflowId,
        });
        if (!row) return null;
        const address = `${input.module.namespace}/${input.module.name}/${input.module.system}`;
        await raiseNotification(tx, {
          kind: 'vcs.tag-moved',
          severity: 'critical',
          subject: `Tag ${input.tag} of ${address} moved: version ${input.version} was not changed`,
          body:
            `Tag ${input.tag} now points to commit ${input.observedSha}, but version ${input.version} of ${address} was published from ` +
            `${input.recordedSha ? `commit ${input.recordedSha}` : 'an upload'}. Published versions are immutable, so nothing was republished. ` +
            'If the move was intended, publish the change under a new version tag.',
          data: { ...input, module: address },
          dedupeKey: `vcs-tag-moved:${input.linkId}/${input.version}/${input.observedSha}`,
        });
        const ns = await tx('namespaces').whereRaw('lower(name) = lower(?)', [input.module.namespace]).first('org_id');
        const { eventId } = await emitNotification(tx, {
          type: 'vcs.tag_moved',
          orgId: (ns as { org_id: string } | undefined)?.org_id ?? null,
          subject: `Tag ${input.tag} of ${address} moved: version ${input.version} was not changed`,
          link: `/modules/${address}`,
          payload: { module: address, tag: input.tag, version: input.version, recordedSha: input.recordedSha, observedSha: input.observedSha, detectedBy: input.detectedBy },
          dedupeKey: `vcs.tag_moved:${input.linkId}/${input.version}/${input.observedSha}`,
        });
        return { newlyRecorded: true as const, eventId };
      });
      if (!recorded) return { newlyRecorded: false };
      // The fan-out starts now; if this fails, the notification sweep starts it within minutes.
      const ctx = Context.current();
      await dispatchNotifications({ temporal: ctx.client, db, taskQueue: ctx.info.taskQueue }, [recorded.eventId]).catch((err: unknown) =>
        log.warn('could not start the notification fan-out; the sweep will', { eventId: recorded.eventId, error: String(err) }),
      );
      return { newlyRecorded: true };
    },

    /**
     * Downloads the repository at exactly `commitSha`, strips the provider's wrapper directory, selects the link's
     * subdirectory and stages a reproducible module archive. The staging key is fixed per workflow run, so a
     * retry overwrites its own earlier attempt instead of leaving a stray blob.
     */
    async stageVcsArchive(input: { linkId: string; commitSha: string }): Promise<{ stagingKey: string; format: 'tar.gz'; size: number }> {
      return withDomainFailures(async () => {
        if (!COMMIT_SHA.test(input.commitSha)) throw new InvalidArtifact(`${input.commitSha} is not a commit id`, 'vcs_bad_commit');
        const signal = cancellationSignal();
        const link = await loadLink(db, input.linkId);
        const client = await clientForConnection(db, runtime(), link.connection_id);
        const run = activityInfo().workflowExecution;
        const stagingKey = `staging/vcs-${createHash('sha256').update(`${run?.workflowId}/${run?.runId}`).digest('hex').slice(0, 32)}/module.tar.gz`;
        const workDir = await mkdtemp(workTempPrefix('vcs'));
        try {
          heartbeat({ stage: 'downloading' });
          const archive = await client.downloadArchive(link.repository, input.commitSha, signal);
          const downloaded = join(workDir, archive.format === 'zip' ? 'source.zip' : 'source.tar.gz');
          await saveDownload(archive.stream, downloaded, { maxBytes: limits.maxUncompressedBytes, onProgress: progressHeartbeat('downloading'), signal });
          const { file } = await heartbeatWhile('repacking', () => repackModuleSource({
            file: downloaded,
            format: archive.format,
            wrapped: archive.wrapped,
            subdirectory: link.subdirectory,
            workDir,
            limits,
            signal,
          }));
          const size = (await stat(file)).size;
          await storage.put(stagingKey, heartbeating(createReadStream(file), 'staging'), { signal });
          return { stagingKey, format: 'tar.gz' as const, size };
        } finally {
          await rm(workDir, { recursive: true, force: true });
        }
      });
    },

    /** The repository's tags that match the link's pattern, with the commit each published version recorded. */
    async listVcsReleaseTags(input: { linkId: string }): Promise<{ module: ModuleCoordinates; tags: ReleaseTag[] }> {
      return withDomainFailures(async () => {
        const link = await loadLink(db, input.linkId);
        const client = await clientForConnection(db, runtime(), link.connection_id);
        const published = new Map((await listModuleVersions(db, link.module_id)).map((v) => [v.version, v.commit_sha]));
        const tags: ReleaseTag[] = [];
        for (const t of await client.listTags(link.repository)) {
          const version = versionFromTag(link.tag_pattern, t.name);
          if (!version || !COMMIT_SHA.test(t.commitSha)) continue;
          tags.push({ tag: t.name, version, commitSha: t.commitSha, ...(published.has(version) ? { publishedSha: published.get(version) } : {}) });
        }
        return { module: { namespace: link.namespace, name: link.name, system: link.system }, tags };
      });
    },

    async listVcsLinks(input: { after?: string; limit: number }): Promise<{ linkIds: string[] }> {
      return { linkIds: await listVcsLinkIds(db, input) };
    },

    /** Writes what became of a delivery's tag (published, unchanged, violation, …) onto the delivery log. */
    async recordVcsDeliveryOutcome(input: { deliveryRowId: string; result: DeliveryResult; detail: string | null; workflowId: string }): Promise<void> {
      await updateVcsDelivery(db, input.deliveryRowId, { result: input.result, detail: input.detail, workflowId: input.workflowId });
    },

    async markVcsLinkSynced(input: { linkId: string }): Promise<void> {
      await markVcsLinkSynced(db, input.linkId);
    },

  };
}
