import type { Db } from '../db/knex';

export type RunPhase = 'plan' | 'apply';
export type Severity = 'info' | 'warn' | 'error';

/** Severity as the engines print it: "Error: …" and "Warning: …" lines (box-drawn or not). */
export function severityOf(line: string): Severity {
  if (/^[\s│╷╵]*Error[:\s]/.test(line)) return 'error';
  if (/^[\s│╷╵]*Warning[:\s]/.test(line)) return 'warn';
  return 'info';
}

/**
 * Appends a phase's output to `run_logs`, masked, in small batches (a few per second) so the dashboard sees it
 * live and the database sees few writes. Sequence numbers continue after what an earlier attempt wrote.
 */
export class RunLogSink {
  private buffer: { run_id: string; phase: RunPhase; seq: number; at: Date; severity: Severity; text: string }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private seq = 0;

  private constructor(
    private readonly db: Db,
    private readonly runId: string,
    private readonly phase: RunPhase,
    private readonly mask: (l: string) => string,
  ) {}

  static async open(db: Db, runId: string, phase: RunPhase, mask: (l: string) => string): Promise<RunLogSink> {
    const sink = new RunLogSink(db, runId, phase, mask);
    const row = (await db('run_logs').where({ run_id: runId, phase }).max('seq as max').first()) as { max: number | null } | undefined;
    sink.seq = row?.max ?? 0;
    return sink;
  }

  write(line: string): void {
    const text = this.mask(line);
    this.buffer.push({ run_id: this.runId, phase: this.phase, seq: ++this.seq, at: new Date(), severity: severityOf(text), text });
    if (this.buffer.length >= 200) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 300);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.buffer;
    this.buffer = [];
    if (rows.length) this.flushing = this.flushing.then(() => this.db('run_logs').insert(rows).onConflict(['run_id', 'phase', 'seq']).ignore()).then(() => undefined);
    return this.flushing;
  }
}
