import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Logger } from '../../core/log';
import { BLOB_ROUTE } from '../../core/storage/url-signing';
import { createBlobRoute } from './blob-route';
import type { ProtocolContext } from './context';
import type { DownloadCounter } from './download-counter';
import { protocolError } from './errors';
import { mirrorIndex, mirrorVersion } from './mirror';
import { moduleDownload, moduleVersions } from './modules-v1';
import { providerDownload, providerVersions } from './providers-v1';
import { jsonResponse, ResponseCache, type CachedResponse } from './response-cache';

const DISCOVERY_PATH = '/.well-known/terraform.json';

export const DISCOVERY = { 'modules.v1': '/v1/modules/', 'providers.v1': '/v1/providers/' };

type Build = () => Promise<CachedResponse>;

/**
 * Terraform's and OpenTofu's HTTP client asks for gzip: large answers (long version lists, find-a-package with
 * armored keys) are compressed once per cached entry and kept beside it.
 */
const GZIP_MIN_BYTES = 1024;
const gzipCache = new WeakMap<CachedResponse, { body: Buffer; headers: Record<string, string> }>();
function gzippedOf(r: CachedResponse): { body: Buffer; headers: Record<string, string> } {
  let z = gzipCache.get(r);
  if (!z) {
    const body = gzipSync(r.body, { level: 6 });
    z = { body, headers: { ...r.headers, 'content-length': String(body.length), 'content-encoding': 'gzip', vary: 'Accept-Encoding' } };
    gzipCache.set(r, z);
  }
  return z;
}

/**
 * The lean front door for the registry protocols: matches the hot read paths on the raw request, before Koa
 * and its middleware, and answers from pre-serialised cached bodies (with ETag/304). Returns false for any
 * other request, which then goes to the Koa app.
 */
export function createProtocolFastPath(deps: {
  ctx: ProtocolContext;
  cache: ResponseCache;
  counter: DownloadCounter;
  log: Logger;
}) {
  const discovery = jsonResponse(200, DISCOVERY, { tags: [] });
  const { ctx } = deps;
  const serveBlob = createBlobRoute({ storage: ctx.storage, signingSecret: ctx.signingSecret });

  function route(path: string): { key: string; build: Build } | null {
    if (path === DISCOVERY_PATH) return { key: path, build: async () => discovery };
    if (!path.startsWith('/v1/')) return null;
    const parts = path.slice(4).split('/');
    let seg: string[];
    try {
      seg = parts.map((p) => decodeURIComponent(p));
    } catch {
      return null;
    }
    // Control characters can never be part of an address; such paths fall through to a plain 404.
    if (seg.some((s) => /[\u0000-\u001f\u007f]/.test(s))) return null;
    const key = path.toLowerCase();
    const [area, ...rest] = seg;
    if (area === 'modules') {
      if (rest.length === 4 && rest[3] === 'versions') {
        const [namespace, name, system] = rest as [string, string, string];
        return { key, build: () => moduleVersions(ctx, { namespace, name, system }) };
      }
      if (rest.length === 5 && rest[4] === 'download') {
        const [namespace, name, system, version] = rest as [string, string, string, string];
        return { key, build: () => moduleDownload(ctx, { namespace, name, system }, version) };
      }
    } else if (area === 'providers') {
      if (rest.length === 3 && rest[2] === 'versions') {
        const [namespace, type] = rest as [string, string];
        return { key, build: () => providerVersions(ctx, { namespace, type }) };
      }
      if (rest.length === 6 && rest[3] === 'download') {
        const [namespace, type, version, , os, arch] = rest as [string, string, string, string, string, string];
        return { key, build: () => providerDownload(ctx, { namespace, type }, version, os, arch) };
      }
    } else if (area === 'mirror' && rest.length === 4) {
      const [hostname, namespace, type, file] = rest as [string, string, string, string];
      if (file === 'index.json') return { key, build: () => mirrorIndex(ctx, hostname, { namespace, type }) };
      if (file.endsWith('.json')) {
        return { key, build: () => mirrorVersion(ctx, hostname, { namespace, type }, file.slice(0, -'.json'.length)) };
      }
    }
    return null;
  }

  function send(req: IncomingMessage, res: ServerResponse, r: CachedResponse): void {
    if (r.countAs) deps.counter.count(r.countAs.kind, r.countAs.versionId);
    const etag = r.headers.etag;
    if (etag && r.status === 200 && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    const gzipped = r.body.length >= GZIP_MIN_BYTES && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') ? gzippedOf(r) : null;
    if (gzipped) {
      res.writeHead(r.status, gzipped.headers);
      res.end(req.method === 'HEAD' ? undefined : gzipped.body);
      return;
    }
    res.writeHead(r.status, r.headers);
    res.end(req.method === 'HEAD' ? undefined : r.body);
  }

  async function handleMiss(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    try {
      if (path.startsWith(BLOB_ROUTE)) {
        await serveBlob(req, res);
        return true;
      }
      const match = route(path);
      if (!match) return false;
      send(req, res, await deps.cache.get(match.key, match.build));
      return true;
    } catch (err) {
      deps.log.error({ err, path }, 'protocol request failed');
      if (!res.headersSent) {
        const r = protocolError(500, 'internal', 'internal error');
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      } else {
        res.destroy();
      }
      return true;
    }
  }

  /**
   * Returns true when it answered, false for requests that belong to Koa, or a promise of either on a cache
   * miss. Cache hits are answered synchronously: no routing, no decoding, no promise (each promise also costs
   * async-hook work in a process that runs the Temporal SDK).
   */
  return function handle(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    const hit = path.startsWith('/v1/') ? deps.cache.peek(path.toLowerCase()) : path === DISCOVERY_PATH ? deps.cache.peek(path) : undefined;
    if (hit) {
      send(req, res, hit);
      return true;
    }
    return handleMiss(req, res, path);
  };
}
