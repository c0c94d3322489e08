import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../core/log';
import { WorkflowWatchers } from './watchers';
import type { WorkflowView } from './workflow-view';

const log = createLogger({ level: 'silent' });

function view(status: WorkflowView['status'], step: string): WorkflowView {
  return {
    workflowId: 'module-publish:a/b/c/1.0.0',
    runId: 'r1',
    type: 'publishModule',
    status,
    startedAt: '2026-01-01T00:00:00.000Z',
    closedAt: status === 'running' ? null : '2026-01-01T00:00:01.000Z',
    progress: { steps: [{ id: 'check', title: 'Check', status: step as 'running' }] },
    temporalUiUrl: 'http://ui',
  };
}

describe('workflow watchers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls once per workflow for all listeners, reports only changes, and stops after the final state', async () => {
    const states = [view('running', 'running'), view('running', 'running'), view('running', 'completed'), view('completed', 'completed')];
    const read = vi.fn(async () => states[Math.min(read.mock.calls.length - 1, states.length - 1)]!);
    const watchers = new WorkflowWatchers({ read, log, intervalMs: 300 });
    const a: string[] = [];
    const b: string[] = [];
    watchers.subscribe('w', (v) => a.push(`${v.status}/${v.progress!.steps[0]!.status}`));
    watchers.subscribe('w', (v) => b.push(`${v.status}/${v.progress!.steps[0]!.status}`));
    await vi.advanceTimersByTimeAsync(2000);
    expect(read).toHaveBeenCalledTimes(4);
    expect(a).toEqual(['running/running', 'running/completed', 'completed/completed']);
    expect(b).toEqual(a);
    expect(watchers.active).toBe(0);
  });

  it('stops polling when the last listener leaves', async () => {
    const read = vi.fn(async () => view('running', 'running'));
    const watchers = new WorkflowWatchers({ read, log, intervalMs: 300 });
    const stop = watchers.subscribe('w', () => undefined);
    await vi.advanceTimersByTimeAsync(1000);
    const calls = read.mock.calls.length;
    stop();
    await vi.advanceTimersByTimeAsync(3000);
    expect(read.mock.calls.length).toBe(calls);
    expect(watchers.active).toBe(0);
  });

  it('keeps trying when a read fails', async () => {
    let n = 0;
    const read = vi.fn(async () => {
      if (n++ === 0) throw new Error('temporal unavailable');
      return view('completed', 'completed');
    });
    const seen: string[] = [];
    new WorkflowWatchers({ read, log, intervalMs: 300 }).subscribe('w', (v) => seen.push(v.status));
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(['completed']);
  });
});
