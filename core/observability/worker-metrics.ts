import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

export type ExecutionOutcome = 'completed' | 'failed' | 'cancelled' | 'continued' | 'task_failed';

/** The worker process's metrics: workflow and activity executions by type and outcome, with their durations. */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly activityDuration: Histogram<'activity' | 'outcome'>;
  private readonly workflowDuration: Histogram<'workflow' | 'outcome'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'strata_worker_' });
    this.activityDuration = new Histogram({
      name: 'strata_activity_duration_seconds',
      help: 'Activity attempts by activity type and outcome (its _count is the number of attempts).',
      labelNames: ['activity', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.workflowDuration = new Histogram({
      name: 'strata_workflow_duration_seconds',
      help: 'Workflow runs closed on this worker by workflow type and outcome, from run start to close.',
      labelNames: ['workflow', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    const activities = this.activityDuration;
    const workflows = this.workflowDuration;
    // Plain counters too, for dashboards that only want rates by outcome.
    new Counter({
      name: 'strata_activity_executions_total',
      help: 'Activity attempts by activity type and outcome.',
      labelNames: ['activity', 'outcome'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const v of (await activities.get()).values) {
          if (v.metricName === 'strata_activity_duration_seconds_count') this.inc(v.labels as Record<'activity' | 'outcome', string>, v.value);
        }
      },
    });
    new Counter({
      name: 'strata_workflow_executions_total',
      help: 'Workflow runs closed by workflow type and outcome.',
      labelNames: ['workflow', 'outcome'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const v of (await workflows.get()).values) {
          if (v.metricName === 'strata_workflow_duration_seconds_count') this.inc(v.labels as Record<'workflow' | 'outcome', string>, v.value);
        }
      },
    });
  }

  activity(activity: string, outcome: ExecutionOutcome, seconds: number): void {
    this.activityDuration.observe({ activity, outcome }, seconds);
  }

  workflow(workflow: string, outcome: ExecutionOutcome, seconds: number): void {
    this.workflowDuration.observe({ workflow, outcome }, seconds);
  }
}
