import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BASELINE_LARGE_LISTING_PATH, largeModuleVersions, versionsListing } from './catalogue';
import { BASELINE_STATE_PATH, benchStateFile } from './state-file';

/**
 * The yardstick: a bare `node:http` server answering a fixed ~100-byte JSON, with the same keep-alive setting
 * as the registry. `BASELINE_LARGE_LISTING_PATH` answers the 1,000-version listing instead, to tell the cost of sending
 * more bytes from the cost of having more versions. `BASELINE_STATE_PATH` answers the state-backend benchmark's
 * ~1 MB state to GET and reads a POSTed one to the end before answering 200. Run as its own process; prints `{"port": N}` once listening.
 */
function fixed(json: string) {
  const body = Buffer.from(json);
  return { body, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } };
}
const small = fixed(versionsListing(['1.0.0', '1.1.0', '1.2.0', '2.0.0']));
const large = fixed(versionsListing(largeModuleVersions()));

const state = fixed(benchStateFile(1).toString('utf8'));

const server = createServer((req, res) => {
  if (req.url === BASELINE_STATE_PATH) {
    if (req.method === 'POST') {
      req.resume();
      req.once('end', () => res.writeHead(200, { 'content-length': '0' }).end());
    } else {
      res.writeHead(200, state.headers);
      res.end(state.body);
    }
    return;
  }
  const answer = req.url === BASELINE_LARGE_LISTING_PATH ? large : small;
  res.writeHead(200, answer.headers);
  res.end(answer.body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGINT', () => server.close(() => process.exit(0)));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
