import { PassThrough } from 'node:stream';
import type { Context } from 'koa';

export interface EventStream {
  send(event: string, data: unknown): void;
  end(): void;
  /** Called once when the stream ends, from either side. */
  onClose(fn: () => void): void;
}

/**
 * Turns the response into a Server-Sent Events stream (`text/event-stream`). Comments keep proxies from timing
 * the connection out; `retry` tells the browser how soon to reconnect after a dropped connection.
 */
export function openEventStream(ctx: Context, options: { retryMs?: number; heartbeatMs?: number } = {}): EventStream {
  const stream = new PassThrough();
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
  ctx.set('Cache-Control', 'no-cache, no-transform');
  ctx.set('Connection', 'keep-alive');
  // Tells nginx-style proxies not to buffer the stream.
  ctx.set('X-Accel-Buffering', 'no');
  ctx.status = 200;
  ctx.body = stream;
  stream.write(`retry: ${options.retryMs ?? 2000}\n\n`);

  const closers: (() => void)[] = [];
  let closed = false;
  const heartbeat = setInterval(() => stream.write(': ping\n\n'), options.heartbeatMs ?? 15_000);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of closers) fn();
  };
  ctx.res.once('close', close);
  stream.once('close', close);

  return {
    send(event, data) {
      if (closed) return;
      stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (!closed) stream.end();
      close();
    },
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
  };
}
