import { ApiError, asApiError } from '../api';
import { isFinalRunStatus, RunsApi } from '../runs-api';
import { SseParser } from '../sse';
import type { LogLine, Run } from '../types';
import { api } from './session.svelte';

const RETRY_MS = 2000;

/**
 * Follows one run live: its log lines and status from `GET /api/v1/runs/{id}/logs/events` (Server-Sent Events,
 * read with `fetch` so a pasted token works like everywhere else). A status change reloads the whole run (plan,
 * outputs, approvals, whether the viewer may approve). A dropped stream is opened again with the last line seen
 * as `Last-Event-ID`, and lines seen already are skipped, so nothing shows twice. Ends when the run does.
 */
export class RunWatch {
  run = $state<Run | null>(null);
  /** Replaced (not mutated) per batch: a long log re-renders once per chunk, not once per line. */
  lines = $state.raw<LogLine[]>([]);
  error = $state<ApiError | null>(null);
  live = $state(false);
  private readonly runs = new RunsApi(api);
  private readonly controller = new AbortController();
  private lastLine = 0;
  private lastStatus: string | null = null;

  constructor(readonly id: string) {}

  async start(): Promise<void> {
    await this.reload();
    while (!this.controller.signal.aborted) {
      try {
        await this.follow();
      } catch (err) {
        if (this.controller.signal.aborted) return;
        this.error = asApiError(err);
        // Nobody signed in, or no such run: reconnecting will not change it.
        if (this.error.status >= 400 && this.error.status < 500) return;
      } finally {
        this.live = false;
      }
      if (this.run && isFinalRunStatus(this.run.status)) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  /** Reads the run again (after a decision, or when its status changed). */
  async reload(): Promise<void> {
    try {
      this.run = await this.runs.run(this.id, this.controller.signal);
      this.lastStatus = this.run.status;
      this.error = null;
    } catch (err) {
      if (!this.controller.signal.aborted) this.error = asApiError(err);
    }
  }

  private async follow(): Promise<void> {
    const res = await api.openStream(this.runs.logEventsPath(this.id), {
      headers: this.lastLine ? { 'last-event-id': String(this.lastLine) } : {},
      signal: this.controller.signal,
    });
    this.live = true;
    this.error = null;
    const reader = res.body!.getReader();
    const parser = new SseParser();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const fresh: LogLine[] = [];
      let status: string | null = null;
      for (const e of parser.push(value)) {
        if (e.event === 'log') {
          const line = JSON.parse(e.data) as LogLine;
          if (line.id > this.lastLine) {
            fresh.push(line);
            this.lastLine = line.id;
          }
        } else if (e.event === 'status') {
          status = (JSON.parse(e.data) as { status: string | null }).status;
        }
      }
      if (fresh.length) this.lines = [...this.lines, ...fresh];
      if (status && status !== this.lastStatus) {
        this.lastStatus = status;
        await this.reload();
      }
    }
  }

  dispose(): void {
    this.controller.abort();
  }
}
