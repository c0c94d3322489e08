import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnBoundChild } from '../../core/embedded/processes';
import { ensurePipPackage } from '../../temporal/dev-server';
import { freePort } from './ports';

const AIOSMTPD_VERSION = '1.4.6';

/** Installs Python's aiosmtpd (a real SMTP server) once into ~/.cache/strata-tools; returns its PYTHONPATH dir. */
export function ensureAiosmtpd(): Promise<string> {
  return ensurePipPackage({ pkg: 'aiosmtpd', version: AIOSMTPD_VERSION, marker: join('aiosmtpd', '__init__.py') });
}

/** A received message, parsed by Python's `email` package. */
export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  messageId: string;
  headers: Record<string, string>;
  text: string;
  html: string;
}

// Reads every message of the Maildir as JSON (the standard library's MIME parser decodes the parts).
const READ_MAILDIR = `
import json, mailbox, sys
from email import policy
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
out = []
for key in sorted(box.keys()):
    with box.get_file(key) as f:
        import email
        m = email.message_from_binary_file(f, policy=policy.default)
    def part(kind):
        p = m.get_body(preferencelist=(kind,))
        return p.get_content() if p is not None else ''
    out.append({'to': str(m['To'] or ''), 'from': str(m['From'] or ''), 'subject': str(m['Subject'] or ''),
                'messageId': str(m['Message-ID'] or ''), 'headers': {k: str(v).strip() for k, v in m.items()},
                'text': part('plain'), 'html': part('html')})
print(json.dumps(out))
`;

export interface SmtpServer {
  /** `smtp://127.0.0.1:<port>` for STRATA_SMTP_URL. */
  url: string;
  /** Every message received so far, oldest first. */
  messages(): Promise<ReceivedMail[]>;
  /** Waits until `predicate` holds for the received messages (polling the Maildir). */
  waitFor(predicate: (mails: ReceivedMail[]) => boolean, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Stops the server (an outage): the port refuses connections until `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server (aiosmtpd's Mailbox handler, storing into a Maildir) on a free loopback port. */
export async function startSmtpServer(): Promise<SmtpServer> {
  const pythonPath = await ensureAiosmtpd();
  const dir = await mkdtemp(join(tmpdir(), 'strata-smtp-'));
  const maildir = join(dir, 'Maildir');
  const port = await freePort();
  const env = { ...process.env, PYTHONPATH: pythonPath };
  let child: ChildProcess | null = null;

  const start = async () => {
    if (child) return;
    // Bound to this process: a test run that dies takes the server with it.
    const c = spawnBoundChild('python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], { deathSignal: 'SIGKILL', env, stdio: 'ignore' });
    child = c;
    const deadline = Date.now() + 15_000;
    while (!(await accepts(port))) {
      if (c.exitCode !== null) throw new Error(`aiosmtpd exited with ${c.exitCode}`);
      if (Date.now() > deadline) throw new Error('aiosmtpd did not start listening within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async () => {
    const c = child;
    if (!c) return;
    child = null;
    const exited = new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve())));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const messages = async (): Promise<ReceivedMail[]> => {
    const { stdout } = await promisify(execFile)('python3', ['-c', READ_MAILDIR, maildir], { env, maxBuffer: 64 * 1024 * 1024 }).catch((err: unknown) => {
      // No Maildir yet: nothing received.
      if (String((err as { stderr?: string }).stderr ?? '').includes('NoSuchMailboxError')) return { stdout: '[]' };
      throw err;
    });
    return JSON.parse(stdout) as ReceivedMail[];
  };
  await start();
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mails = await messages();
        if (predicate(mails)) return mails;
        if (Date.now() > deadline) throw new Error(`timed out waiting for mail; received: ${JSON.stringify(mails.map((m) => [m.to, m.subject]))}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    stop,
    start,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
