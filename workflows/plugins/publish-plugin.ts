import { CancellationScope, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { createCatalogActivities } from '../../activities/catalog/catalog-activities';
import type { createPluginActivities } from '../../activities/plugins/plugin-activities';
import { activityPresets, localActivityPresets } from '../../temporal/presets';
import { Progress } from '../progress';

const catalog = proxyLocalActivities<ReturnType<typeof createCatalogActivities>>(localActivityPresets.short);
const records = proxyLocalActivities<ReturnType<typeof createPluginActivities>>(localActivityPresets.short);
const archives = proxyActivities<ReturnType<typeof createPluginActivities>>(activityPresets.artifact);

export interface PublishPluginInput {
  orgId: string;
  /** The organisation's name, for messages and search attributes. */
  org: string;
  name: string;
  version: string;
  stagingKey: string;
  /** The user or token that asked for the publish. */
  publishedBy: string | null;
  actor: { type: 'user' | 'token'; label: string | null };
}

export interface PublishPluginResult {
  org: string;
  name: string;
  version: string;
  versionId: string;
  sha256: string;
  size: number;
  entry: 'index.js' | 'index.ts';
  publishedAt: string;
}

/**
 * Publishes one Pulumi plugin version from a staged ZIP.
 * Workflow ID: `plugin-publish:<org>/<name>/<version>`, so a double submit cannot publish twice.
 * Fails with `invalid_artifact` (unsafe archive, missing or invalid strata-plugin.json, no or two programs) or
 * `conflict` (the version exists). The staged upload is always discarded; nothing is recorded unless every check
 * passed.
 */
export async function publishPlugin(input: PublishPluginInput): Promise<PublishPluginResult> {
  const progress = new Progress([
    { id: 'inspect', title: 'Validate and store the plugin ZIP' },
    { id: 'record', title: 'Record the version in the catalogue' },
  ]);
  try {
    const inspected = await progress.run('inspect', () => archives.preparePluginArchive({ stagingKey: input.stagingKey, name: input.name, version: input.version }));
    const recorded = await progress.run('record', () =>
      records.recordPluginVersion({ orgId: input.orgId, inspected, workflowId: workflowInfo().workflowId, publishedBy: input.publishedBy, actor: input.actor }),
    );
    return {
      org: input.org,
      name: input.name,
      version: input.version,
      versionId: recorded.versionId,
      sha256: inspected.sha256,
      size: inspected.size,
      entry: inspected.entry,
      publishedAt: recorded.publishedAt,
    };
  } finally {
    await CancellationScope.nonCancellable(() => catalog.discardStaging({ keys: [input.stagingKey] }));
  }
}
