import type { IncomingMessage } from 'node:http';
import fresh from 'fresh';
import { LRUCache } from 'lru-cache';
import Negotiator from 'negotiator';
import type { CachedResponse, Representation } from './response-cache';

const CODINGS = ['gzip', 'identity'];

// Clients send a handful of distinct Accept-Encoding values (Go's client always the same one): negotiate each
// value once. Bounded by bytes, and long values are never kept, so odd values cost a negotiation, never memory.
const negotiated = new LRUCache<string, boolean>({ maxSize: 64 * 1024, maxEntrySize: 512, sizeCalculation: (_, key) => key.length * 2 + 64 });

/** Whether an answer with a gzip representation goes out gzip-coded for this Accept-Encoding value. */
function prefersGzip(acceptEncoding: string): boolean {
  let gzip = negotiated.get(acceptEncoding);
  if (gzip === undefined) {
    // When the client accepts neither coding (`identity;q=0` without gzip), RFC 9110 §12.5.3 says to send the
    // uncoded body rather than an error: every client can read it.
    gzip = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }).encoding(CODINGS) === 'gzip';
    negotiated.set(acceptEncoding, gzip);
  }
  return gzip;
}

/** The representation of an answer this request gets: gzip when the client prefers it and the answer has one. */
export function chooseRepresentation(req: IncomingMessage, r: CachedResponse): Representation {
  const accept = req.headers['accept-encoding'];
  return r.gzip && accept && prefersGzip(accept) ? r.gzip : r;
}

/** `If-None-Match` (lists, weak tags, `*`) against the representation being sent. */
export function isNotModified(req: IncomingMessage, rep: Representation): boolean {
  if (req.headers['if-none-match'] === undefined) return false;
  return fresh(req.headers, { etag: rep.headers.etag });
}
