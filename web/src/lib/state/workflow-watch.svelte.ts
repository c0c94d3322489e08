import { ApiError } from '../api';
import type { WorkflowView } from '../types';
import { api } from './session.svelte';

const RETRY_MS = 2000;

/**
 * Follows one workflow live over the API's Server-Sent Events stream: a `status` event with each change, then
 * `end` once the workflow has closed. The browser reconnects a dropped stream by itself. A refused stream
 * (EventSource cannot read why) is explained by one read of the status route: a missing token, an unknown
 * workflow, or a moment of trouble after which the stream is opened again.
 */
export class WorkflowWatch {
  view = $state<WorkflowView | null>(null);
  error = $state<ApiError | null>(null);
  connected = $state(false);
  /** The stream dropped and is being re-established. */
  reconnecting = $state(false);
  readonly workflowId: string;
  private source: EventSource | null = null;
  private disposed = false;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(workflowId: string) {
    this.workflowId = workflowId;
  }

  start(): void {
    if (this.disposed || this.source) return;
    const source = new EventSource(api.workflowEventsUrl(this.workflowId));
    this.source = source;
    source.addEventListener('open', () => {
      this.connected = true;
      this.reconnecting = false;
    });
    source.addEventListener('status', (e) => {
      this.view = JSON.parse((e as MessageEvent<string>).data) as WorkflowView;
      this.error = null;
    });
    source.addEventListener('end', () => this.closeStream());
    source.addEventListener('error', () => {
      this.connected = false;
      this.reconnecting = true;
      if (source.readyState === EventSource.CLOSED) {
        this.closeStream();
        void this.explain();
      }
    });
  }

  private async explain(): Promise<void> {
    try {
      const view = await api.workflow(this.workflowId);
      if (this.disposed) return;
      this.view = view;
      this.error = null;
      if (view.status !== 'running') return;
    } catch (err) {
      if (this.disposed) return;
      this.error = err instanceof ApiError ? err : new ApiError(0, 'client', String(err));
      if (this.error.status > 0 && this.error.status < 500) return; // needs the user: a token, another id
    }
    this.reconnecting = true;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start();
    }, RETRY_MS);
  }

  private closeStream(): void {
    this.source?.close();
    this.source = null;
    this.connected = false;
    this.reconnecting = false;
  }

  /** Stops everything; the page is going away. */
  dispose(): void {
    this.disposed = true;
    if (this.retry) clearTimeout(this.retry);
    this.closeStream();
  }
}
