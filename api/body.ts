import type { Context } from 'koa';
import { Invalid, PayloadTooLarge, UnsupportedMediaType } from '../core/errors';

/** Reads a small JSON body with a hard size cap (management requests only; uploads stream). */
export async function readJson(ctx: Context, maxBytes = 256 * 1024): Promise<unknown> {
  if (!ctx.is('application/json')) throw new UnsupportedMediaType('send a JSON body with Content-Type: application/json');
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > maxBytes) throw new PayloadTooLarge(`the JSON body is larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new PayloadTooLarge(`the JSON body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Invalid('the request body is not valid JSON', 'invalid_json');
  }
}
