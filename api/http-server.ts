import { readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Config } from '../core/config';
import { listenCatalogChanges } from '../core/db/catalog-events';
import type { Db } from '../core/db/knex';
import type { Logger } from '../core/log';
import { ApiMetrics } from '../core/observability/api-metrics';
import type { BlobStorage } from '../core/storage/storage';
import { IdentityResolver } from '../core/auth/identity-resolver';
import { NamespaceDirectory } from '../core/auth/namespace-directory';
import { OidcClients } from '../core/auth/oidc-clients';
import { InboxHub } from '../core/notifications/inbox-events';
import { createNotificationRuntime } from '../core/notifications/runtime';
import { createApp } from './app';
import { hstsHeader } from './middleware/security-headers';
import { createAccessGate } from './protocol/access-gate';
import { isCachedFamily, protocolFamily } from './middleware/metrics';
import { DownloadCounter } from './protocol/download-counter';
import { createProtocolFastPath } from './protocol/fast-path';
import { ResponseCache, tags } from './protocol/response-cache';

export interface RunningApi {
  server: Server;
  url: string;
  cache: ResponseCache;
  metrics: ApiMetrics;
  close(): Promise<void>;
}

/**
 * Serves the API: the protocol fast path first, then Koa. Listens for catalogue changes so cached protocol
 * responses are dropped as soon as a publish lands in any worker.
 */
export async function startApiServer(input: {
  config: Config;
  db: Db;
  databaseUrl: string;
  storage: BlobStorage;
  signingSecret: string;
  temporal: Client;
  log: Logger;
}): Promise<RunningApi> {
  const { config, log } = input;
  const cache = new ResponseCache();
  const metrics = new ApiMetrics();
  const counter = new DownloadCounter(input.db, log, undefined, (batch, error) =>
    error ? metrics.downloadFlushFailed() : metrics.downloadsFlushed(batch),
  );
  const listener = listenCatalogChanges({
    url: input.databaseUrl,
    log,
    onReset: () => cache.clear(),
    onEvent: (e) => {
      if (e.name === '*') cache.invalidate(tags.namespaceKeys(e.namespace));
      else cache.invalidate(e.kind === 'module' ? tags.module(e.namespace, e.name) : tags.provider(e.namespace, e.name));
    },
  });
  await listener.ready;
  const identity = new IdentityResolver(input.db, { csrfSecret: input.signingSecret, sessionIdleSeconds: config.identity.sessionIdleSeconds });
  const namespaces = new NamespaceDirectory(input.db);
  const oidc = new OidcClients(config.identity.oidcProviders, config.publicUrl, input.signingSecret);
  const fastPath = createProtocolFastPath({
    ctx: {
      db: input.db,
      storage: input.storage,
      publicUrl: config.publicUrl,
      mirrorHosts: new Set([new URL(config.publicUrl).host.toLowerCase(), ...config.mirrorHostnames]),
      signedUrlTtlSeconds: config.signedUrlTtlSeconds,
      signingSecret: input.signingSecret,
    },
    cache,
    counter,
    log,
    gate: createAccessGate({ namespaces, identity }),
  });
  // Mail goes out from the worker's workflows only.
  const notifications = await createNotificationRuntime(config, input.signingSecret, { mail: false });
  const inbox = new InboxHub({ url: input.databaseUrl, log });
  await inbox.start();
  const koa = createApp({ config, db: input.db, storage: input.storage, temporal: input.temporal, log, cache, metrics, identity, namespaces, oidc, notifications, inbox }).callback();
  // Fast-path answers are timed here (Koa times its own in api/middleware/metrics.ts): a synchronous answer is a
  // cache hit, an asynchronous one that the fast path kept is a miss it had to build (or a streamed blob).
  const record = (req: IncomingMessage, res: ServerResponse, started: number, hit: boolean) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const family = protocolFamily(q === -1 ? raw : raw.slice(0, q));
    metrics.request(family, req.method ?? 'GET', res.statusCode, (performance.now() - started) / 1000);
    if (isCachedFamily(family)) metrics.cacheResult(family, hit);
  };
  // Under HTTPS every answer, the fast path's included, tells browsers to keep to HTTPS (JSON answers of the fast
  // path carry `nosniff` in their cached headers).
  const hsts = hstsHeader(config);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    if (hsts) res.setHeader('strict-transport-security', hsts);
    const handled = fastPath(req, res);
    if (handled === true) {
      record(req, res, started, true);
      return;
    }
    if (handled === false) {
      void koa(req, res);
      return;
    }
    handled.then(
      (done) => {
        if (done) record(req, res, started, false);
        else void koa(req, res);
      },
      () => res.destroy(),
    );
  };
  // No limit on a request's total duration: uploads are cut when idle (api/body.ts), so a 2 GiB release on a slow
  // link finishes. Headers still have to arrive promptly.
  const timeouts = { requestTimeout: 0, headersTimeout: 60_000 };
  const server = config.tls
    ? createHttps({ ...timeouts, cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, handler)
    : createHttp(timeouts, handler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    cache,
    metrics,
    url: `${config.tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await counter.flush();
      await identity.flush().catch(() => undefined);
      await listener.stop();
      await inbox.stop();
    },
  };
}
