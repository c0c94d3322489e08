import { heartbeat } from '@temporalio/activity';
import { Transform, type Readable } from 'node:stream';

/** At most one heartbeat per interval: the SDK throttles as well, this keeps the per-chunk cost to a clock read. */
const HEARTBEAT_EVERY_MS = 1000;

/**
 * A progress callback for a streaming step: heartbeats `{ stage, bytes }` at most once a second while bytes keep
 * arriving. A stream that stalls stops heartbeating, so the heartbeat timeout still catches a stuck activity,
 * while a slow but moving store never trips it. Must be called from inside an activity.
 */
export function progressHeartbeat(stage: string): (bytes: number) => void {
  let last = 0;
  return (bytes) => {
    const now = Date.now();
    if (now - last < HEARTBEAT_EVERY_MS) return;
    last = now;
    heartbeat({ stage, bytes });
  };
}

/** A pass-through stream that heartbeats its progress ({@link progressHeartbeat}). */
export function heartbeatingStream(stage: string): Transform {
  const beat = progressHeartbeat(stage);
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      beat(bytes);
      cb(null, chunk);
    },
  });
}

/**
 * Heartbeats once a second while an operation whose progress cannot be observed runs (a backend's server-side
 * copy, extracting and analysing an archive). Its own timeout (startToClose) still bounds it.
 */
export async function heartbeatWhile<T>(stage: string, work: () => Promise<T>): Promise<T> {
  heartbeat({ stage });
  const timer = setInterval(() => heartbeat({ stage }), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** `source` piped through {@link heartbeatingStream}: hand it to a store's `put` to heartbeat an upload. */
export function heartbeating(source: Readable, stage: string): Readable {
  const out = heartbeatingStream(stage);
  source.on('error', (err) => out.destroy(err));
  return source.pipe(out);
}
