import { CancellationScope, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { createCatalogActivities } from '../../activities/catalog/catalog-activities';
import type { createModuleActivities } from '../../activities/modules/module-activities';
import { activityPresets, localActivityPresets } from '../../temporal/presets';
import { noticePublishFailed } from '../notifications/publish-notices';
import { Progress } from '../progress';
import type { PublishModuleInput, PublishModuleResult } from '../types';

const catalog = proxyLocalActivities<ReturnType<typeof createCatalogActivities>>(localActivityPresets.short);
const records = proxyLocalActivities<ReturnType<typeof createModuleActivities>>(localActivityPresets.short);
const archives = proxyActivities<ReturnType<typeof createModuleActivities>>(activityPresets.artifact);

/**
 * Publishes one module version from a staged upload.
 * Workflow ID: `module-publish:<namespace>/<name>/<system>/<version>`, so a double submit cannot publish twice.
 * Fails with `conflict` (the version is already published) or `invalid_artifact` (unsafe or unreadable
 * archive, invalid HCL). The staged upload is always discarded; nothing is recorded unless every check passed.
 *
 * Latency: inspecting and storing the archive is one activity (it streams and heartbeats). Recording — which
 * also refuses an existing version (the API and the VCS tag workflow check before starting this, so only a race
 * gets there) and announces the change in the same transaction — and discarding the upload are local
 * activities, run inside the workflow task without a task-queue round trip.
 */
export async function publishModule(input: PublishModuleInput): Promise<PublishModuleResult> {
  const progress = new Progress([
    { id: 'inspect', title: 'Validate, analyse and store the archive' },
    { id: 'record', title: 'Record the version and refresh the registry' },
  ]);
  // The parked analysis is staging too: discarded with the upload whatever the outcome.
  let analysisKey: string | undefined;
  try {
    const { blobKey, ...inspected } = await progress.run('inspect', () =>
      archives.prepareModuleArchive({ stagingKey: input.stagingKey, format: input.format }),
    );
    analysisKey = inspected.analysisKey;
    const recorded = await progress.run('record', () =>
      records.recordModuleVersion({
        module: input.module,
        version: input.version,
        blobKey,
        format: input.format,
        inspected,
        source: input.source,
        workflowId: workflowInfo().workflowId,
        publishedBy: input.publishedBy,
      }),
    );
    return {
      module: input.module,
      version: input.version,
      versionId: recorded.versionId,
      sha256: inspected.sha256,
      size: inspected.size,
      publishedAt: recorded.publishedAt,
    };
  } catch (err) {
    const m = input.module;
    await noticePublishFailed({ kind: 'module', namespace: m.namespace, address: `${m.namespace}/${m.name}/${m.system}`, version: input.version, error: err });
    throw err;
  } finally {
    const keys = analysisKey ? [input.stagingKey, analysisKey] : [input.stagingKey];
    await CancellationScope.nonCancellable(() => catalog.discardStaging({ keys }));
  }
}
