import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('parses a change event and ignores heartbeat comments', () => {
    const parser = new SseParser();
    const events = parser.push(': heartbeat\n\nevent: change\ndata: {"a":1}\n\n');
    expect(events).toEqual([{ event: 'change', data: '{"a":1}' }]);
    expect(parser.comments).toBe(1);
  });

  it('joins multi-line data with newlines and defaults the type to message', () => {
    const parser = new SseParser();
    expect(parser.push('data: one\ndata:two\ndata\n\n')).toEqual([{ event: 'message', data: 'one\ntwo\n' }]);
  });

  it('handles frames split at any byte, including between CR and LF', () => {
    const text = 'event: change\r\ndata: {"x":"y"}\r\n\r\n: ping\r\n\r\nevent: change\rdata: 2\r\r';
    for (let cut = 0; cut <= text.length; cut++) {
      for (let cut2 = cut; cut2 <= text.length; cut2 += 7) {
        const parser = new SseParser();
        const events = [
          ...parser.push(text.slice(0, cut)),
          ...parser.push(text.slice(cut, cut2)),
          ...parser.push(text.slice(cut2)),
        ];
        expect(events, `cut at ${cut}/${cut2}`).toEqual([
          { event: 'change', data: '{"x":"y"}' },
          { event: 'change', data: '2' },
        ]);
      }
    }
  });

  it('keeps the last event id, reads retry, ignores unknown fields and a leading BOM', () => {
    const parser = new SseParser();
    const events = parser.push('\uFEFFid: 7\nretry: 2500\nfoo: bar\ndata: a\n\ndata: b\n\nretry: x\n\n');
    expect(events).toEqual([
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: 'b', id: '7' },
    ]);
    expect(parser.retryMs).toBe(2500);
  });

  it('removes only one leading space and does not dispatch blocks without data', () => {
    const parser = new SseParser();
    expect(parser.push('event: change\n\ndata:  two spaces\n\n')).toEqual([
      { event: 'message', data: ' two spaces' },
    ]);
  });

  it('discards an unterminated block at the end of the stream', () => {
    const parser = new SseParser();
    expect(parser.push('event: change\ndata: partial')).toEqual([]);
    parser.end();
    expect(parser.push('\n\n')).toEqual([]);
    expect(parser.push('event: change\ndata: next\n\n')).toEqual([{ event: 'change', data: 'next' }]);
  });
});
