import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, bundleWorkflowCode, type BundleOptions, type WorkflowBundle, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { layout } from '../core/layout';
import { activeTracing } from '../core/observability/tracing';
import type { WorkerMetrics } from '../core/observability/worker-metrics';
import { workerObservability, workflowInterceptorModules } from './observability';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * The one set of options the workflow code is bundled with, by `npm run build` (the prebuilt bundles) and at
 * start-up from the sources (development, tests). Workflow interceptor modules belong here: a prebuilt bundle
 * ignores `interceptors.workflowModules` given to `Worker.create`.
 */
export function workflowBundleOptions(options: { tracing: boolean }): BundleOptions {
  return {
    workflowsPath,
    workflowInterceptorModules: workflowInterceptorModules(options),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  };
}

/** Bundles the workflow code from the sources (tests share one bundle across workers to keep start-up fast). */
export async function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode(workflowBundleOptions({ tracing: activeTracing() !== null }));
}

/** The production build's prebuilt bundle when this process runs from it, else a bundle of the sources. */
export async function loadWorkflowBundle(): Promise<WorkflowBundleOption> {
  const prebuilt = activeTracing() ? layout.tracedWorkflowBundle : layout.workflowBundle;
  if (prebuilt && existsSync(prebuilt)) return { codePath: prebuilt };
  return bundleWorkflows();
}

export async function createWorker(input: {
  address: string;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  metrics: WorkerMetrics;
  /** A bundle made with {@link workflowBundleOptions} (it includes the workflow interceptor modules). */
  workflowBundle?: WorkflowBundleOption;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const workflowBundle = input.workflowBundle ?? (await loadWorkflowBundle());
  const connection = await NativeConnection.connect({ address: input.address });
  const { interceptors, sinks } = await workerObservability(input.metrics);
  const worker = await Worker.create({
    connection,
    namespace: input.namespace,
    taskQueue: input.taskQueue,
    activities: createActivities(input.deps),
    interceptors,
    sinks,
    workflowBundle,
  });
  return { worker, connection };
}
