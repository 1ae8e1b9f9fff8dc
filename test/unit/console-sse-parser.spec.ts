import { SseParser } from '../../apps/console/src/sse-parser';

describe("the console's event-stream parser", () => {
  it('dispatches a frame on the blank line, with its id, event and one-line JSON data', () => {
    const parser = new SseParser();
    expect(parser.push('id: 7\nevent: received\ndata: {"id":"7"}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'received', data: '{"id":"7"}', lastEventId: '7' }]);
    expect(parser.lastEventId).toBe('7');
  });

  it('reassembles frames split anywhere, CRLF pairs included', () => {
    const text = 'id: 1\r\nevent: processed\r\ndata: {"a":1}\r\n\r\nid: 2\r\ndata: x\r\ndata: y\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut += 1) {
      const parser = new SseParser();
      const messages = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(messages).toEqual([
        { event: 'processed', data: '{"a":1}', lastEventId: '1' },
        { event: 'message', data: 'x\ny', lastEventId: '2' },
      ]);
    }
  });

  it('ignores comments (the heartbeat) and keeps the last id across frames without one', () => {
    const parser = new SseParser();
    expect(parser.push(': heartbeat\n\nid: 5\ndata: a\n\n: heartbeat\n\ndata: b\n\n')).toEqual([
      { event: 'message', data: 'a', lastEventId: '5' },
      { event: 'message', data: 'b', lastEventId: '5' },
    ]);
  });

  it('records an id even on a frame without data, and a retry delay given in digits only', () => {
    const parser = new SseParser();
    expect(parser.push('id: 9\n\nretry: 2500\n\nretry: 1e3\n\n')).toEqual([]);
    expect(parser.lastEventId).toBe('9');
    expect(parser.retryMs).toBe(2500);
  });

  it('takes a field with no colon as empty, and strips one leading space only', () => {
    const parser = new SseParser();
    expect(parser.push('data\ndata:  two\n\n')).toEqual([{ event: 'message', data: '\n two', lastEventId: '' }]);
  });
});
