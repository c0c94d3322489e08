import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The yardstick: a bare `node:http` server answering a fixed ~100-byte JSON, with the same keep-alive setting
 * as the registry. Run as its own process; prints `{"port": N}` once listening.
 */
const body = Buffer.from(
  JSON.stringify({ modules: [{ versions: [{ version: '1.0.0' }, { version: '1.1.0' }, { version: '1.2.0' }, { version: '2.0.0' }] }] }),
);
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGINT', () => server.close(() => process.exit(0)));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
