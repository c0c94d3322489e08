import { CancellationScope, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { createCatalogActivities } from '../../activities/catalog/catalog-activities';
import type { createProviderActivities } from '../../activities/providers/provider-activities';
import { activityPresets, localActivityPresets } from '../../temporal/presets';
import { noticePublishFailed } from '../notifications/publish-notices';
import { Progress } from '../progress';
import type { PublishProviderInput, PublishProviderResult } from '../types';

const catalog = proxyLocalActivities<ReturnType<typeof createCatalogActivities>>(localActivityPresets.short);
const records = proxyLocalActivities<ReturnType<typeof createProviderActivities>>(localActivityPresets.short);
const artifacts = proxyActivities<ReturnType<typeof createProviderActivities>>(activityPresets.artifact);

/**
 * Publishes one provider version from staged goreleaser release files.
 * Workflow ID: `provider-publish:<namespace>/<type>/<version>`.
 * Fails with `conflict` (already published), or `invalid_artifact` for a missing/armored/wrong-key/tampered signature, a zip
 * whose sha256 is not in SHA256SUMS, or a zip with the wrong layout. Nothing is recorded unless all pass.
 * The artifact steps are activities (they stream and heartbeat); recording — which refuses an existing version
 * (the API checks before starting this, so only a race gets there) and announces the change in the same
 * transaction — and discarding the staged files are local activities, without a task-queue round trip.
 */
export async function publishProvider(input: PublishProviderInput): Promise<PublishProviderResult> {
  const progress = new Progress([
    { id: 'signature', title: 'Verify the SHA256SUMS signature' },
    { id: 'packages', title: 'Verify every package and compute hashes' },
    { id: 'store', title: 'Store the release files' },
    { id: 'record', title: 'Record the version and platforms, refresh the registry' },
  ]);
  const staged = [input.shasums.key, input.signature.key, ...input.zips.map((z) => z.key)];
  try {
    const verified = await progress.run('signature', () =>
      artifacts.verifyProviderRelease({
        provider: input.provider,
        version: input.version,
        shasums: input.shasums,
        signature: input.signature,
        zips: input.zips,
      }),
    );
    const packages = await progress.run('packages', () =>
      Promise.all(
        input.zips.map((zip) =>
          artifacts.inspectProviderPackage({
            provider: input.provider,
            version: input.version,
            zip,
            expectedSha256: verified.expected[zip.filename]!,
          }),
        ),
      ),
    );
    const stored = await progress.run('store', async () => {
      const [shasums, signature, ...zips] = await Promise.all([
        artifacts.storeReleaseFile({ stagingKey: input.shasums.key, extension: '.txt' }),
        artifacts.storeReleaseFile({ stagingKey: input.signature.key, extension: '.sig' }),
        ...packages.map((p, i) => artifacts.storeReleaseFile({ stagingKey: input.zips[i]!.key, sha256: p.sha256, extension: '.zip' })),
      ]);
      return { shasums: shasums!, signature: signature!, zips };
    });
    const recorded = await progress.run('record', () =>
      records.recordProviderVersion({
        provider: input.provider,
        version: input.version,
        protocols: input.protocols,
        shasums: { filename: input.shasums.filename, blobKey: stored.shasums.blobKey },
        signatureKey: stored.signature.blobKey,
        signingKeyId: verified.keyId,
        packages: packages.map((p, i) => ({ ...p, blobKey: stored.zips[i]!.blobKey })),
        workflowId: workflowInfo().workflowId,
        publishedBy: input.publishedBy,
      }),
    );
    return {
      provider: input.provider,
      version: input.version,
      versionId: recorded.versionId,
      signingKeyId: verified.keyId,
      platforms: packages.map((p) => ({ os: p.os, arch: p.arch, sha256: p.sha256, h1: p.h1 })),
      publishedAt: recorded.publishedAt,
    };
  } catch (err) {
    const p = input.provider;
    await noticePublishFailed({ kind: 'provider', namespace: p.namespace, address: `${p.namespace}/${p.type}`, version: input.version, error: err });
    throw err;
  } finally {
    await CancellationScope.nonCancellable(() => catalog.discardStaging({ keys: staged }));
  }
}
