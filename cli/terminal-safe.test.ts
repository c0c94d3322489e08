import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from './command';
import { main } from './main';
import { terminalSafe } from './terminal-safe';

// What a hostile server could slip into any string: colour and cursor movement (CSI, 7- and 8-bit), a screen
// clear, a window title and a clipboard write (OSC), a hyperlink (OSC 8), a carriage return that overwrites
// the line, a bell, DEL, a C1 control and a right-to-left override.
const HOSTILE = [
  '\u001b[31mred\u001b[0m',
  '\u001b[2J\u001b[H',
  '\u001b]0;pwned title\u0007',
  '\u001b]52;c;ZWNobyBoaQ==\u001b\\',
  '\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\',
  'ok\rFAKE',
  '\u0007\u007f\u0085',
  '\u009b1;1H',
  '\u202eevil',
  '\u001bc',
].join(' ');
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text) };
}

let server: Server;
let url: string;
let moduleDir: string;
beforeAll(async () => {
  moduleDir = await mkdtemp(join(tmpdir(), 'strata-cli-hostile-'));
  await writeFile(join(moduleDir, 'main.tf'), 'variable "x" {}\n');
  server = createServer((req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/api/v1/tokens' && req.method === 'GET') {
      return json(200, {
        items: [{ id: `id${HOSTILE}`, name: `name\n${HOSTILE}`, prefix: HOSTILE, createdAt: HOSTILE, lastUsedAt: null, revokedAt: HOSTILE }],
      });
    }
    if (req.url === '/api/v1/tokens' && req.method === 'POST') return json(201, { id: HOSTILE, name: HOSTILE, token: `strata_x${HOSTILE}` });
    if (req.url?.startsWith('/api/v1/namespaces/acme/gpg-keys')) {
      return json(200, { items: [{ keyId: HOSTILE, fingerprint: HOSTILE, source: HOSTILE, createdAt: HOSTILE, revokedAt: null }] });
    }
    if (req.url?.startsWith('/api/v1/tokens/')) return json(404, { error: { code: `not_found${HOSTILE}`, message: `no token\n${HOSTILE}` } });
    res.writeHead(502, { 'content-type': 'text/html' }).end(`<h1>bad gateway ${HOSTILE}</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(moduleDir, { recursive: true, force: true });
});

describe('terminal-safe output', () => {
  it('strips whole escape sequences and lone controls, keeping the visible text, newlines and tabs', () => {
    expect(terminalSafe('\u001b[1;31mError\u001b[0m: a\tb\nc')).toBe('Error: a\tb\nc');
    expect(terminalSafe('x\u001b]0;title\u0007y')).toBe('xy');
    expect(terminalSafe('x\u001b]52;c;AAAA')).toBe('x');
    expect(terminalSafe('ok\rFAKE\u0000')).toBe('okFAKE');
    expect(terminalSafe('\u009b2Jz\u202e')).toBe('z');
    expect(terminalSafe(HOSTILE)).not.toMatch(FORBIDDEN);
  });

  it('prints no control sequence from a hostile server in listings, results or errors', async () => {
    const env = { url, token: 'strata_x' };
    const runs: [string[], number][] = [
      [['token', 'list'], 0],
      [['token', 'list', '--json'], 0],
      [['token', 'create', '--name', 'ci'], 0],
      [['gpg-key', 'list', '--namespace', 'acme'], 0],
      [['token', 'revoke', 'abc'], 1],
      [['module', 'publish', moduleDir, '--namespace', 'x', '--name', 'y', '--system', 'z', '--version', '1.0.0'], 1],
    ];
    for (const [argv, code] of runs) {
      const io = capture();
      expect(await main(argv, io, env), argv.join(' ')).toBe(code);
      const printed = [...io.stdout, ...io.stderr].join('\n');
      expect(printed, argv.join(' ')).not.toMatch(FORBIDDEN);
      // The visible words are still there: only the control sequences went.
      expect(printed, argv.join(' ')).toMatch(/red|bad gateway|no token/);
    }
  });

  it('keeps table rows on one line when a server value carries a newline', async () => {
    const io = capture();
    expect(await main(['token', 'list'], io, { url, token: 'strata_x' })).toBe(0);
    const lines = io.stdout.join('\n').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('name red');
  });
});
