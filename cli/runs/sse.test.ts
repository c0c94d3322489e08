import { describe, expect, it } from 'vitest';
import { EventStreamParser, readEvents } from './sse';

describe('EventStreamParser', () => {
  it('parses events split anywhere across chunks, skipping comments and retry', () => {
    const text = 'retry: 2000\n\n: ping\n\nevent: log\ndata: {"text":"a"}\n\nevent: status\r\ndata: {"status":"applied"}\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new EventStreamParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual([
        { event: 'log', data: '{"text":"a"}' },
        { event: 'status', data: '{"status":"applied"}' },
      ]);
    }
  });

  it('joins data lines, defaults the type to message, keeps the last id, and waits for the blank line', () => {
    const parser = new EventStreamParser();
    expect(parser.push('id: 7\ndata: one\ndata:two\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: 'one\ntwo', id: '7' }]);
    expect(parser.push('event: status\n\n')).toEqual([]);
  });

  it('reads the events of a streamed body, a multi-byte character split between chunks included', async () => {
    const bytes = new TextEncoder().encode('event: log\ndata: {"text":"€ ok"}\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 28));
        controller.enqueue(bytes.slice(28));
        controller.close();
      },
    });
    const events = [];
    for await (const e of readEvents(body)) events.push(e);
    expect(events).toEqual([{ event: 'log', data: '{"text":"€ ok"}' }]);
  });
});
