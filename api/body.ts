import { Transform } from 'node:stream';
import type { Context } from 'koa';
import { ClientClosed, DomainError, Invalid, PayloadTooLarge, RequestTimedOut, Unavailable, UnsupportedMediaType } from '../core/errors';

/**
 * The one reader of request bodies. Uploads stream through {@link bodyStream} (capped, cut when the client goes
 * idle, never buffered); small bodies (JSON, webhook deliveries) are buffered by {@link readRaw}, and every
 * buffered byte is reserved from one budget shared by all in-flight requests, so a flood of large bodies is
 * answered 503 with Retry-After instead of growing the process.
 */

/** Bytes held by all in-flight buffered bodies together. */
export class BodyMemoryBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/** What the body readers need from Koa state (set once per app in createApp). */
export interface BodyState {
  bodyBudget: BodyMemoryBudget;
  /** Seconds without a byte after which a body is cut with 408. */
  bodyIdleSeconds: number;
}

/** Passes bytes through, counting them and keeping the first ones for format sniffing; fails past the cap. */
export class BodyStream extends Transform {
  bytes = 0;
  head = Buffer.alloc(0);

  constructor(
    private readonly maxBytes: number,
    private readonly what: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      cb(new PayloadTooLarge(`${this.what} is larger than the limit of ${this.maxBytes} bytes`));
      return;
    }
    if (this.head.length < 8) this.head = Buffer.concat([this.head, chunk.subarray(0, 8 - this.head.length)]);
    cb(null, chunk);
  }
}

function declaredLength(ctx: Context): number | null {
  const value = ctx.get('content-length');
  if (!value) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function state(ctx: Context): BodyState {
  return ctx.state as BodyState;
}

/**
 * The request body as a stream that fails with a domain error — `PayloadTooLarge` past `maxBytes`,
 * `RequestTimedOut` when the client sends nothing for `idleSeconds` (while we are not the ones holding it back),
 * `ClientClosed` when the client goes away — so whatever consumes it (a storage write) fails and cleans up,
 * instead of hanging. There is no limit on the total duration: a large upload on a slow link succeeds.
 */
export function bodyStream(ctx: Context, options: { maxBytes: number; idleSeconds?: number; what?: string }): BodyStream {
  const what = options.what ?? 'the request body';
  const req = ctx.req;
  const declared = declaredLength(ctx);
  if (declared !== null && declared > options.maxBytes) {
    ctx.set('Connection', 'close');
    throw new PayloadTooLarge(`${what} (${declared} bytes) is larger than the limit of ${options.maxBytes} bytes`);
  }
  const idleMs = (options.idleSeconds ?? state(ctx).bodyIdleSeconds ?? 60) * 1000;
  const body = new BodyStream(options.maxBytes, what);
  let timer: NodeJS.Timeout | undefined;
  const cleanup = () => {
    clearTimeout(timer);
    req.off('data', arm);
    req.off('end', onEnd);
    req.off('close', onClose);
    req.off('error', onError);
  };
  const fail = (err: DomainError) => {
    cleanup();
    req.unpipe(body);
    // The rest of the body is not read: the connection cannot carry another request.
    if (!(err instanceof ClientClosed)) ctx.set('Connection', 'close');
    body.destroy(err);
  };
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      // Paused by back-pressure: the slow one is us (the store), not the client.
      if (req.readableFlowing === false && !req.readableEnded) arm();
      else fail(new RequestTimedOut(`no bytes of ${what} arrived for ${idleMs / 1000} s`));
    }, idleMs);
    timer.unref();
  }
  function onEnd() {
    clearTimeout(timer);
  }
  function onClose() {
    if (!req.complete) fail(new ClientClosed());
  }
  function onError() {
    fail(new ClientClosed());
  }
  req.on('data', arm);
  req.once('end', onEnd);
  req.once('close', onClose);
  req.once('error', onError);
  body.once('close', cleanup);
  // Always listened to: the consumer sees the error through its pipeline; it must never go uncaught here.
  body.on('error', (err) => {
    // Our own cap: stop reading, the client gets its 413 on a connection that then closes.
    if (err instanceof PayloadTooLarge) {
      req.unpipe(body);
      ctx.set('Connection', 'close');
    }
  });
  req.pipe(body);
  arm();
  return body;
}

/**
 * The whole body as a Buffer, for small bodies only (management JSON, webhook deliveries). Its bytes are held
 * against the shared budget until the response is sent.
 * @throws PayloadTooLarge past `maxBytes`; Unavailable `server_busy` (with Retry-After) past the shared budget
 */
export async function readRaw(ctx: Context, maxBytes: number, what = 'the request body'): Promise<Buffer> {
  const budget = state(ctx).bodyBudget;
  let reserved = 0;
  const reserve = (bytes: number) => {
    if (bytes <= 0) return;
    if (budget && !budget.tryReserve(bytes)) {
      ctx.set('Connection', 'close');
      throw new Unavailable('the server is busy reading other requests; retry in a moment', 'server_busy', 1);
    }
    reserved += bytes;
  };
  if (budget) ctx.res.once('close', () => budget.release(reserved));
  const body = bodyStream(ctx, { maxBytes, what });
  try {
    // A declared length is held up front: a flood of large bodies is turned away before they are read.
    reserve(Math.min(declaredLength(ctx) ?? 0, maxBytes));
  } catch (err) {
    body.destroy();
    throw err;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      reserve(size - reserved);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (!body.destroyed) body.destroy();
    ctx.req.unpipe(body);
    throw err;
  }
  return Buffer.concat(chunks, size);
}

/** Deepest nesting JSON bodies may have: enough for any real payload, too shallow to hurt a parser. */
export const MAX_JSON_DEPTH = 64;

/**
 * Parses JSON after a linear, non-recursive scan of the bytes for nesting depth (brackets outside strings), so
 * deeply nested input is refused without ever reaching the parser.
 * @throws Invalid `json_too_deep` / `invalid_json`
 */
export function parseJson(raw: Buffer, options: { maxDepth?: number } = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) throw new Invalid(`the JSON body is nested deeper than ${maxDepth} levels`, 'json_too_deep');
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Invalid('the request body is not valid JSON', 'invalid_json');
  }
}

/** Reads and parses a small JSON body (management requests; uploads stream). */
export async function readJson(ctx: Context, maxBytes = 256 * 1024): Promise<unknown> {
  if (!ctx.is('application/json')) throw new UnsupportedMediaType('send a JSON body with Content-Type: application/json');
  return parseJson(await readRaw(ctx, maxBytes, 'the JSON body'));
}
