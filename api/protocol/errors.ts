import { jsonResponse, type CachedResponse } from './response-cache';

/** Protocol errors use the same `{ "error": { "code", "message" } }` shape as the management API. */
export function protocolError(status: number, code: string, message: string, tags: string[] = []): CachedResponse {
  return jsonResponse(status, { error: { code, message } }, { tags });
}
