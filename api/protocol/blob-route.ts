import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { LocalStorage } from '../../core/storage/local';
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
  const local = deps.storage instanceof LocalStorage ? deps.storage : null;

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
    if (!local) {
      const method = req.method === 'HEAD' ? 'HEAD' : 'GET';
      const location = await deps.storage.signedUrl(key, { expiresAt: new Date(Number(expires) * 1000), method });
      res.writeHead(302, { location, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const info = await local.stat(key);
    if (!info) {
      const r = protocolError(404, 'not_found', 'no such file');
      res.writeHead(r.status, r.headers);
      res.end(r.body);
      return;
    }
    res.writeHead(200, {
      'content-type': contentTypeFor(key),
      'content-length': String(info.size),
      'cache-control': 'private, max-age=300, immutable',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(await local.get(key), res);
  };
}
