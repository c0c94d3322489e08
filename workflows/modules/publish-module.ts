import { CancellationScope, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createCatalogActivities } from '../../activities/catalog/catalog-activities';
import type { createModuleActivities } from '../../activities/modules/module-activities';
import { activityPresets } from '../../temporal/presets';
import { Progress } from '../progress';
import type { PublishModuleInput, PublishModuleResult } from '../types';

const catalog = proxyActivities<ReturnType<typeof createCatalogActivities>>(activityPresets.short);
const records = proxyActivities<ReturnType<typeof createModuleActivities>>(activityPresets.short);
const archives = proxyActivities<ReturnType<typeof createModuleActivities>>(activityPresets.artifact);

/**
 * Publishes one module version from a staged upload.
 * Workflow ID: `module-publish:<namespace>/<name>/<system>/<version>`, so a double submit cannot publish twice.
 * Fails with `VersionExists` (the version is already published) or `InvalidArtifact` (unsafe or unreadable
 * archive, invalid HCL). The staged upload is always discarded; nothing is recorded unless every check passed.
 */
export async function publishModule(input: PublishModuleInput): Promise<PublishModuleResult> {
  const progress = new Progress([
    { id: 'check', title: 'Check the version is new' },
    { id: 'inspect', title: 'Validate and analyse the archive' },
    { id: 'store', title: 'Store the archive' },
    { id: 'record', title: 'Record the version' },
    { id: 'announce', title: 'Refresh the registry' },
  ]);
  try {
    await progress.run('check', () => records.assertModuleVersionAbsent({ module: input.module, version: input.version }));
    const inspected = await progress.run('inspect', () =>
      archives.inspectModuleArchive({ stagingKey: input.stagingKey, format: input.format }),
    );
    const { blobKey } = await progress.run('store', () =>
      archives.storeModuleArchive({ stagingKey: input.stagingKey, sha256: inspected.sha256, format: input.format }),
    );
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
    await progress.run('announce', () =>
      catalog.announceCatalogChange({ kind: 'module', namespace: input.module.namespace, name: input.module.name }),
    );
    return {
      module: input.module,
      version: input.version,
      versionId: recorded.versionId,
      sha256: inspected.sha256,
      size: inspected.size,
      publishedAt: recorded.publishedAt,
    };
  } finally {
    await CancellationScope.nonCancellable(() => catalog.discardStaging({ keys: [input.stagingKey] }));
  }
}
