import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import parseRange from 'range-parser';
import { contentTypeFor, type BlobStorage } from '../../core/storage/storage';
import { blobLinkKey, verifyBlobSignature } from '../../core/storage/url-signing';
import { protocolError } from './errors';

/**
 * `GET|HEAD /blobs/<key>?expires=…&signature=…` — the registry's signed download links (see `blobLink`).
 * Local storage is streamed from here. An object store is redirected to, with a URL the store signed for the
 * request's method until the link's own expiry: an S3 presigned URL is valid for one method only, and go-getter
 * sends HEAD before GET to module archives, so one direct URL could not serve both.
 */
export function createBlobRoute(deps: { storage: BlobStorage; signingSecret: string }) {
  const { storage } = deps;

  return async function serveBlob(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const key = blobLinkKey(url.pathname);
    const expires = url.searchParams.get('expires');
    const valid =
      key !== null &&
      verifyBlobSignature({
        secret: deps.signingSecret,
        path: url.pathname,
        expires,
        signature: url.searchParams.get('signature'),
        nowUnix: Math.floor(Date.now() / 1000),
      });
    if (!valid) {
      const r = protocolError(403, 'signature_invalid', 'this download link is invalid or has expired; ask the registry for a new one');
      res.writeHead(r.status, r.headers);
      res.end(r.body);
      return;
    }
    if (storage.capabilities.redirectDownloads) {
      const method = req.method === 'HEAD' ? 'HEAD' : 'GET';
      const location = await storage.signedUrl(key, { expiresAt: new Date(Number(expires) * 1000), method });
      res.writeHead(302, { location, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const info = await storage.stat(key);
    if (!info) {
      const r = protocolError(404, 'not_found', 'no such file');
      res.writeHead(r.status, r.headers);
      res.end(r.body);
      return;
    }
    const headers: Record<string, string> = {
      'content-type': contentTypeFor(key),
      'accept-ranges': 'bytes',
      'cache-control': 'private, max-age=300, immutable',
      'x-content-type-options': 'nosniff',
    };
    // Blobs are content-addressed and never change, so a range always refers to the bytes the client began with.
    const ranges = req.headers.range ? parseRange(info.size, req.headers.range, { combine: true }) : -2;
    if (ranges === -1) {
      const r = protocolError(416, 'range_not_satisfiable', `the requested range is outside the file's ${info.size} bytes`);
      res.writeHead(416, { ...r.headers, 'content-range': `bytes */${info.size}` });
      res.end(req.method === 'HEAD' ? undefined : r.body);
      return;
    }
    // Malformed, non-byte or multiple ranges: the whole file, which RFC 9110 allows for any range request.
    const range = ranges !== -2 && ranges.type === 'bytes' && ranges.length === 1 ? ranges[0]! : null;
    if (range) {
      headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
      headers['content-length'] = String(range.end - range.start + 1);
      res.writeHead(206, headers);
    } else {
      headers['content-length'] = String(info.size);
      res.writeHead(200, headers);
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(await storage.get(key, range ? { range } : {}), res);
  };
}
