import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../api-client';
import type { Io } from '../command';
import { ApiError, CliError } from '../errors';
import { followRun } from './follow';

const ID = '11111111-1111-4111-8111-111111111111';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

const log = (id: number, phase: string, text: string) => `event: log\ndata: ${JSON.stringify({ id, phase, seq: id, at: '2026-01-01T00:00:00.000Z', severity: 'info', text })}\n\n`;
const status = (s: string) => `event: status\ndata: ${JSON.stringify({ status: s, plan: null })}\n\n`;

/**
 * A stand-in for the API's event stream: each connection answers the next scripted body (a string that ends the
 * stream, or an Error the connection fails with part-way), recording the Last-Event-ID it was opened with.
 */
function scripted(connections: (string | { body: string; fail: Error } | ApiError)[]) {
  const opened: (string | undefined)[] = [];
  const api = {
    async eventStream(_path: string, options: { lastEventId?: string } = {}) {
      opened.push(options.lastEventId);
      const next = connections.shift();
      if (next === undefined) throw new CliError('cannot reach the server');
      if (next instanceof ApiError) throw next;
      const { body, fail } = typeof next === 'string' ? { body: next, fail: null } : next;
      let sent = false;
      // The body first, then the end or the failure on the next read (an error right away would drop the body).
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (!sent) {
            sent = true;
            controller.enqueue(new TextEncoder().encode(body));
          } else if (fail) controller.error(fail);
          else controller.close();
        },
      });
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    },
  };
  return { api: api as unknown as ApiClient, opened };
}

describe('followRun', () => {
  it('prints log lines, notes status changes once, and returns the final status', async () => {
    const { api } = scripted([status('queued') + status('queued') + status('planning') + log(1, 'plan', 'Plan: 1 to add') + status('applying') + log(2, 'apply', 'Apply complete!') + status('applied')]);
    const io = capture();
    expect(await followRun(api, io, ID)).toBe('applied');
    expect(io.stdout).toEqual(['Plan: 1 to add', 'Apply complete!']);
    expect(io.stderr).toEqual([`run ${ID}: queued`, `run ${ID}: planning`, `run ${ID}: applying`, `run ${ID}: applied`]);
  });

  it('prints only the asked phase, and strips terminal control sequences from server text', async () => {
    const { api } = scripted([log(1, 'plan', 'planning \u001b]0;pwned\u0007here') + log(2, 'apply', 'applied \u001b[2Jdone') + status('errored')]);
    const io = capture();
    expect(await followRun(api, io, ID, { phase: 'apply' })).toBe('errored');
    expect(io.stdout).toEqual(['applied done']);
  });

  it('says how to approve a run that waits for approval', async () => {
    const { api } = scripted([status('awaiting_approval') + status('discarded')]);
    const io = capture();
    expect(await followRun(api, io, ID)).toBe('discarded');
    expect(io.stderr.join('\n')).toContain(`strata run approve ${ID}`);
  });

  it('resumes a dropped stream after the last line seen, without printing a line twice', async () => {
    const { api, opened } = scripted([
      { body: status('planning') + log(5, 'plan', 'one'), fail: new TypeError('terminated') },
      status('planning'),
      log(6, 'plan', 'two') + status('planned'),
    ]);
    const io = capture();
    expect(await followRun(api, io, ID, { retryMs: 1 })).toBe('planned');
    expect(io.stdout).toEqual(['one', 'two']);
    expect(opened).toEqual([undefined, '5', '5']);
  });

  it('gives up after repeated failures without progress, and at once on the API’s refusal', async () => {
    const { api } = scripted([status('planning'), status('planning'), status('planning')]);
    await expect(followRun(api, capture(), ID, { retryMs: 1, maxRetries: 2 })).rejects.toThrow(/cannot reach the server|ended before the run finished/);

    const refused = scripted([new ApiError(404, 'run_not_found', `no run ${ID}`)]);
    await expect(followRun(refused.api, capture(), ID, { retryMs: 1 })).rejects.toBeInstanceOf(ApiError);
    expect(refused.opened).toHaveLength(1);
  });
});
