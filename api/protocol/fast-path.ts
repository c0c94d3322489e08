import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOGIN_V1 } from '../../core/auth/login-v1';
import type { Logger } from '../../core/log';
import { BLOB_ROUTE } from '../../core/storage/url-signing';
import type { GateDecision } from './access-gate';
import { createBlobRoute } from './blob-route';
import type { ProtocolContext } from './context';
import type { DownloadCounter } from './download-counter';
import { protocolError } from './errors';
import { mirrorIndex, mirrorVersion } from './mirror';
import { moduleDownload, moduleVersions } from './modules-v1';
import { DISCOVERY_PATH, parseProtocolPath, type ProtocolRequest } from './protocol-request';
import { providerDownload, providerVersions } from './providers-v1';
import { chooseRepresentation, isNotModified } from './representation';
import { jsonResponse, ResponseCache, type CachedResponse } from './response-cache';

// Revalidated on every use like every protocol answer, and kept by no shared cache: the answer was given to
// someone allowed to read the namespace, not to whoever asks a proxy next.
const PRIVATE_CACHE_CONTROL = 'private, no-cache';

export const DISCOVERY = { 'modules.v1': '/v1/modules/', 'providers.v1': '/v1/providers/', 'login.v1': LOGIN_V1 };

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
  /** Private namespaces: who may read them (api/protocol/access-gate.ts). */
  gate: (req: IncomingMessage, namespace: string) => GateDecision | Promise<GateDecision>;
}) {
  const discovery = jsonResponse(200, DISCOVERY, { tags: [] });
  const { ctx } = deps;
  const serveBlob = createBlobRoute({ storage: ctx.storage, signingSecret: ctx.signingSecret });

  /** Builds the answer from the request's canonical identity only, so it is a function of the cache key. */
  function build(r: ProtocolRequest): Promise<CachedResponse> {
    switch (r.kind) {
      case 'discovery':
        return Promise.resolve(discovery);
      case 'module-versions':
        return moduleVersions(ctx, r);
      case 'module-download':
        return moduleDownload(ctx, r, r.version);
      case 'provider-versions':
        return providerVersions(ctx, r);
      case 'provider-download':
        return providerDownload(ctx, r, r.version, r.os, r.arch);
      case 'mirror-index':
        return mirrorIndex(ctx, r.hostname, r);
      case 'mirror-version':
        return mirrorVersion(ctx, r.hostname, r, r.version);
    }
  }

  /** `privately`: an answer about a private namespace, which shared caches (proxies, CDNs) must not keep. */
  function send(req: IncomingMessage, res: ServerResponse, r: CachedResponse, privately = false): void {
    const rep = chooseRepresentation(req, r);
    if (r.status === 200 && isNotModified(req, rep)) {
      const headers: Record<string, string> = { etag: rep.headers.etag!, 'cache-control': privately ? PRIVATE_CACHE_CONTROL : rep.headers['cache-control']! };
      if (rep.headers.vary) headers.vary = rep.headers.vary;
      res.writeHead(304, headers);
      res.end();
      return;
    }
    // A download is a GET answered in full: HEAD and 304 revalidations fetch nothing.
    if (r.countAs && req.method === 'GET') deps.counter.count(r.countAs.kind, r.countAs.versionId);
    res.writeHead(r.status, privately ? { ...rep.headers, 'cache-control': PRIVATE_CACHE_CONTROL } : rep.headers);
    res.end(req.method === 'HEAD' ? undefined : rep.body);
  }

  async function handleMiss(req: IncomingMessage, res: ServerResponse, path: string, match: ProtocolRequest | null, privately: boolean): Promise<boolean> {
    try {
      if (path.startsWith(BLOB_ROUTE)) {
        await serveBlob(req, res);
        return true;
      }
      if (!match) return false;
      send(req, res, await deps.cache.get(match.key, () => build(match)), privately);
      return true;
    } catch (err) {
      fail(res, err, path);
      return true;
    }
  }

  function fail(res: ServerResponse, err: unknown, path: string): void {
    deps.log.error({ err, path }, 'protocol request failed');
    if (!res.headersSent) {
      const r = protocolError(500, 'internal', 'internal error');
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    } else {
      res.destroy();
    }
  }

  /**
   * Returns true when it answered, false for requests that belong to Koa, or a promise of either on a cache
   * miss. Cache hits are answered synchronously: no promise (each promise also costs async-hook work in a
   * process that runs the Temporal SDK).
   */
  return function handle(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    const match = path.startsWith('/v1/') || path === DISCOVERY_PATH ? parseProtocolPath(path) : null;
    if (match && match.kind !== 'discovery') {
      const gate = deps.gate(req, match.namespace);
      if (gate !== true) {
        if (gate === 'private') return serve(req, res, path, match, true);
        if (!(gate instanceof Promise)) {
          send(req, res, gate);
          return true;
        }
        return gate.then(
          (decision) => {
            if (decision !== true && decision !== 'private') {
              send(req, res, decision);
              return true;
            }
            return serve(req, res, path, match, decision === 'private');
          },
          (err: unknown) => {
            fail(res, err, path);
            return true;
          },
        );
      }
    }
    return serve(req, res, path, match, false);
  };

  function serve(req: IncomingMessage, res: ServerResponse, path: string, match: ProtocolRequest | null, privately: boolean): boolean | Promise<boolean> {
    const hit = match ? deps.cache.peek(match.key) : undefined;
    if (hit) {
      send(req, res, hit, privately);
      return true;
    }
    if (!match && !path.startsWith(BLOB_ROUTE)) return false;
    return handleMiss(req, res, path, match, privately);
  }
}
