import { defineQuery, setHandler } from '@temporalio/workflow';

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

export interface StepState {
  id: string;
  title: string;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  error?: string;
}

export interface ProgressSnapshot {
  steps: StepState[];
}

/** Every multi-step workflow answers this query; the API's status endpoint and the UI read it. */
export const progressQuery = defineQuery<ProgressSnapshot>('progress');

/** Tracks named steps so that operators and the dashboard see where a workflow is. */
export class Progress {
  private readonly steps: StepState[];

  constructor(steps: { id: string; title: string }[]) {
    this.steps = steps.map((s) => ({ ...s, status: 'pending' }));
    setHandler(progressQuery, () => ({ steps: this.steps.map((s) => ({ ...s })) }));
  }

  async run<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const step = this.find(id);
    step.status = 'running';
    step.startedAt = new Date().toISOString();
    try {
      const result = await fn();
      step.status = 'completed';
      return result;
    } catch (err) {
      step.status = 'failed';
      step.error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      for (const s of this.steps) if (s.status === 'pending') s.status = 'skipped';
      throw err;
    } finally {
      step.endedAt = new Date().toISOString();
    }
  }

  private find(id: string): StepState {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new Error(`unknown step ${id}`);
    return step;
  }
}
