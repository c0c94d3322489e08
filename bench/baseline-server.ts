import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { versionsListing } from './catalogue';
import { BASELINE_STATE_PATH, benchStateFile } from './state-file';

/**
 * The yardstick: a bare `node:http` server answering a fixed ~100-byte JSON, with the same keep-alive setting as the
 * registry. It can also be given any answer to repeat byte for byte (`PUT /answers/<id>`, then `GET /answers/<id>`):
 * the benchmark hands it each larger registry answer exactly as the client received it, to tell the cost of sending
 * those bytes from what the registry adds. `BASELINE_STATE_PATH` answers the state-backend benchmark's ~1 MB state to
 * GET and reads a POSTed one to the end before answering 200. Run as its own process; prints `{"port": N}` once
 * listening.
 */
interface Fixed {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
}

function fixed(json: string): Fixed {
  const body = Buffer.from(json);
  return { status: 200, body, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } };
}
const small = fixed(versionsListing(['1.0.0', '1.1.0', '1.2.0', '2.0.0']));
const state = fixed(benchStateFile(1).toString('utf8'));
const answers = new Map<string, Fixed>();
const ANSWERS = '/answers/';

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === BASELINE_STATE_PATH) {
    if (req.method === 'POST') {
      req.resume();
      req.once('end', () => res.writeHead(200, { 'content-length': '0' }).end());
    } else {
      res.writeHead(200, state.headers);
      res.end(state.body);
    }
    return;
  }
  if (url.startsWith(ANSWERS)) {
    const id = url.slice(ANSWERS.length);
    if (req.method === 'PUT') {
      void readAll(req).then((raw) => {
        const given = JSON.parse(raw.toString('utf8')) as { status: number; headers: Record<string, string>; body: string };
        const body = Buffer.from(given.body, 'base64');
        answers.set(id, { status: given.status, body, headers: { ...given.headers, 'content-length': String(body.length) } });
        res.writeHead(204).end();
      });
      return;
    }
    const answer = answers.get(id);
    if (answer) {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
  }
  res.writeHead(small.status, small.headers);
  res.end(small.body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGINT', () => server.close(() => process.exit(0)));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
