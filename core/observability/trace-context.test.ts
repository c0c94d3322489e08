import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { runWithTraceId, traceIdOf } from './trace-context';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

describe('trace ids in logs', () => {
  it('every line written inside traced work carries its trace id, across awaits, and none outside', async () => {
    const { lines, log } = capture();
    log.info('before');
    await runWithTraceId('4bf92f3577b34da6a3ce929d0e0e4736', async () => {
      await new Promise((r) => setTimeout(r, 5));
      log.child({ component: 'x' }).info('inside');
    });
    log.info('after');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.msg, l.traceId])).toEqual([
      ['before', undefined],
      ['inside', '4bf92f3577b34da6a3ce929d0e0e4736'],
      ['after', undefined],
    ]);
  });

  it('continues a caller’s W3C trace, else uses the request id', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'req-1')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01', 'req-1')).toBe('req-1');
    expect(traceIdOf('garbage', 'req-1')).toBe('req-1');
    expect(traceIdOf(undefined, 'req-1')).toBe('req-1');
  });
});
