import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Platform } from './platform';

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json: <T = any>() => T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallInit {
  method?: string;
  body?: Buffer | string | FormData;
  headers?: Record<string, string>;
  /** Defaults to the platform's admin token; null sends none. */
  token?: string | null;
}

/** A small HTTP(S) client for tests that trusts the platform's test CA and never follows redirects. */
export function clientFor(platform: Pick<Platform, 'url' | 'token' | 'certificates'>) {
  const ca = platform.certificates ? readFileSync(platform.certificates.caFile) : undefined;
  return async function call(pathOrUrl: string, init: CallInit = {}): Promise<TestResponse> {
    const url = new URL(pathOrUrl, platform.url);
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? platform.token : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: Buffer | undefined;
    if (init.body instanceof FormData) {
      const encoded = new Response(init.body);
      body = Buffer.from(await encoded.arrayBuffer());
      headers['content-type'] = encoded.headers.get('content-type')!;
    } else if (init.body !== undefined) {
      body = Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body);
    }
    if (body) headers['content-length'] = String(body.length);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method: init.method ?? 'GET', headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body: buf, json: () => JSON.parse(buf.toString('utf8')) });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}
