import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { scrapeGuard } from './scrape-auth';

/**
 * A tiny HTTP server answering `GET /metrics` from a registry: the worker process has no API to hang it on.
 * Protected like the API's endpoint when `STRATA_METRICS_TOKEN` is set.
 */
export async function startMetricsServer(input: {
  registry: Registry;
  port: number;
  host: string;
  token: string | null;
}): Promise<{ url: string; close(): Promise<void> }> {
  const authorized = scrapeGuard(input.token);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'only /metrics is served here' } }));
      return;
    }
    if (!authorized(req.headers.authorization)) {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'unauthorized', message: 'a valid metrics token is required (STRATA_METRICS_TOKEN)' } }));
      return;
    }
    input.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': input.registry.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.port, input.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${input.host === '0.0.0.0' ? 'localhost' : input.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
