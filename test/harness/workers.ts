import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { WorkerMetrics } from '../../core/observability/worker-metrics';
import { extractLimits } from '../../core/runtime';
import { createRunRuntime } from '../../core/runs/runtime';
import { createNotificationRuntime } from '../../core/notifications/runtime';
import { createVcsRuntime } from '../../core/vcs/runtime';
import { workerObservability } from '../../temporal/observability';
import { sharedBundle, type Platform } from './platform';

export type Activities = ReturnType<typeof createActivities>;

/**
 * A real worker on the platform's namespace and task queue whose activities can be wrapped to misbehave (hang
 * until shut down, crash after committing): durability tests stop it mid-flight and let a normal one resume.
 */
export async function startWorkerWith(platform: Platform, wrap: (real: Activities) => Partial<Activities>) {
  const real = createActivities({
    db: platform.db,
    storage: platform.storage,
    limits: extractLimits(platform.config),
    vcs: await createVcsRuntime(platform.config),
    publicUrl: platform.config.publicUrl,
    runs: await createRunRuntime(platform.config),
    notifications: await createNotificationRuntime(platform.config, platform.config.signingSecret!),
  });
  const connection = await NativeConnection.connect({ address: platform.config.temporal.address! });
  const worker = await Worker.create({
    connection,
    namespace: platform.config.temporal.namespace,
    taskQueue: platform.config.temporal.taskQueue,
    workflowBundle: await sharedBundle(),
    activities: { ...real, ...wrap(real) },
    // The shared bundle carries the metrics interceptor: give its sink somewhere to report.
    ...(await workerObservability(new WorkerMetrics())),
    shutdownGraceTime: '200ms',
  });
  const running = worker.run();
  return {
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
