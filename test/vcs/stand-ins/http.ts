import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (req: Recorded & { body: Buffer; url: URL }) => Promise<Reply | null> | Reply | null;

/** A loopback HTTP server that records every request and answers with JSON unless the body is a Buffer. */
export class StandInServer {
  readonly requests: Recorded[] = [];
  private server: Server | null = null;
  url = '';

  constructor(private readonly handler: Handler) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url!, this.url);
    const recorded = { method: req.method!, path: url.pathname, query: url.searchParams, headers: req.headers };
    this.requests.push(recorded);
    try {
      const reply = (await this.handler({ ...recorded, url, body: Buffer.concat(chunks) })) ?? { status: 404, body: { message: 'Not Found' } };
      const isBytes = Buffer.isBuffer(reply.body);
      const payload = reply.body === undefined ? '' : isBytes ? (reply.body as Buffer) : JSON.stringify(reply.body);
      res.writeHead(reply.status, { ...(isBytes || reply.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...reply.headers });
      res.end(payload);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String(err) }));
    }
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

export interface Delivery {
  id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status?: number;
  response?: string;
}

/** POSTs a webhook delivery the way a provider does (trusting the registry's test CA), and records the answer. */
export async function deliver(delivery: Omit<Delivery, 'id'> & { id?: string }, ca?: Buffer): Promise<Delivery> {
  const sent: Delivery = { id: delivery.id ?? randomUUID(), ...delivery };
  const url = new URL(sent.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    const req = send(url, { method: 'POST', headers: { ...sent.headers, 'content-length': String(Buffer.byteLength(sent.body)) }, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        sent.status = res.statusCode;
        sent.response = Buffer.concat(chunks).toString('utf8');
        resolve();
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(sent.body);
  });
  return sent;
}
