import type { Logger } from '../../../core/log';
import type { WorkflowView } from './workflow-view';

type Listener = (view: WorkflowView) => void;

/** One poll loop for one workflow, shared by every client watching it. */
class Watch {
  readonly listeners = new Set<Listener>();
  private last: { json: string; view: WorkflowView } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly workflowId: string,
    private readonly read: (id: string) => Promise<WorkflowView>,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly onDone: () => void,
  ) {}

  add(listener: Listener): void {
    this.listeners.add(listener);
    if (this.last) listener(this.last.view);
    if (!this.timer && !this.stopped) this.timer = setTimeout(() => void this.tick(), 0);
  }

  remove(listener: Listener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.stop();
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.onDone();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    try {
      const view = await this.read(this.workflowId);
      const json = JSON.stringify(view);
      if (json !== this.last?.json) {
        this.last = { json, view };
        for (const listener of [...this.listeners]) listener(view);
      }
      if (view.status !== 'running') return this.stop();
    } catch (err) {
      // Temporal unreachable for a moment: keep the stream open and try again.
      this.log.warn({ err, workflowId: this.workflowId }, 'could not read workflow status for a live stream');
    }
    // Sequential, not setInterval: a slow describe or query never piles up calls.
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }
}

/**
 * Watches workflows for live streams: polls Temporal (describe + progress query) every `intervalMs` while at
 * least one client listens, shares the loop between clients of the same workflow, tells listeners only about
 * changes, and stops after the workflow closes (listeners see the final state) or when the last one leaves.
 */
export class WorkflowWatchers {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly options: { read: (workflowId: string) => Promise<WorkflowView>; log: Logger; intervalMs?: number },
  ) {}

  /** Calls `listener` with each new state; returns the function that unsubscribes. */
  subscribe(workflowId: string, listener: Listener): () => void {
    let watch = this.watches.get(workflowId);
    if (!watch) {
      const created = new Watch(workflowId, this.options.read, this.options.intervalMs ?? 300, this.options.log, () => {
        if (this.watches.get(workflowId) === created) this.watches.delete(workflowId);
      });
      this.watches.set(workflowId, created);
      watch = created;
    }
    const target = watch;
    target.add(listener);
    return () => target.remove(listener);
  }

  /** How many workflows are being polled (for tests and diagnostics). */
  get active(): number {
    return this.watches.size;
  }
}
