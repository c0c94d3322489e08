import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('returns events once complete, across chunk boundaries, and drops comments and retry lines', () => {
    const p = new SseParser();
    expect(p.push('retry: 2000\n\n: ping\n\nevent: log\ndata: {"id":1,')).toEqual([]);
    expect(p.push('"text":"a"}\n\nevent: status\r\ndata: {"status":"planning"}\r\n\r\nevent: lo')).toEqual([
      { event: 'log', data: '{"id":1,"text":"a"}', id: null },
      { event: 'status', data: '{"status":"planning"}', id: null },
    ]);
    expect(p.push(new TextEncoder().encode('g\nid: 7\ndata: x\ndata: y\n\n'))).toEqual([{ event: 'log', data: 'x\ny', id: '7' }]);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const p = new SseParser();
    const bytes = new TextEncoder().encode('data: café\n\n');
    expect(p.push(bytes.slice(0, 9))).toEqual([]);
    expect(p.push(bytes.slice(9))).toEqual([{ event: 'message', data: 'café', id: null }]);
  });
});
