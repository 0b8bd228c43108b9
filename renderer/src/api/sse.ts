/**
 * Incremental parser for a `text/event-stream` body (WHATWG HTML "server-sent events",
 * section 9.2.6), used because `EventSource` cannot send an `Authorization` header and the
 * console reads `/api/live` with `fetch` + `ReadableStream` instead.
 *
 * Feed it decoded text chunks as they arrive (chunk boundaries may fall anywhere, even between
 * `\r` and `\n`); it returns the events completed by each chunk. Comment lines (`: heartbeat`)
 * produce no event but are counted, so a caller can tell a quiet stream from a dead one.
 * Pure: no DOM, no network.
 */

/** One dispatched server-sent event. `event` defaults to `"message"`; `data` lines are joined by `\n`. */
export interface SseEvent {
  event: string;
  data: string;
  /** The last event id seen on the stream so far (sticky across events), if any. */
  id?: string;
}

/** Streaming SSE frame parser; one instance per connection. */
export class SseParser {
  private buffer = '';
  private skipLeadingLf = false;
  private atStreamStart = true;
  private dataLines: string[] = [];
  private hasData = false;
  private eventType = '';
  private lastEventId: string | undefined;
  /** Number of comment lines (`:` prefix) seen, e.g. heartbeats. */
  comments = 0;
  /** Reconnection time in milliseconds from the latest valid `retry:` field, if any. */
  retryMs: number | undefined;

  /**
   * Parses the next chunk of decoded text.
   *
   * @returns the events whose terminating blank line is inside this chunk, in stream order
   */
  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (this.atStreamStart && text.length > 0) {
      this.atStreamStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length === 0) return [];
    if (this.skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLeadingLf = false;

    const events: SseEvent[] = [];
    let input = this.buffer + text;
    let start = 0;
    for (let i = 0; i < input.length; i++) {
      const ch = input.charCodeAt(i);
      if (ch !== 0x0a && ch !== 0x0d) continue;
      const line = input.slice(start, i);
      if (ch === 0x0d) {
        if (i + 1 < input.length) {
          if (input.charCodeAt(i + 1) === 0x0a) i++;
        } else {
          this.skipLeadingLf = true; // a CRLF may be split across chunks
        }
      }
      start = i + 1;
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    input = input.slice(start);
    this.buffer = input;
    return events;
  }

  /**
   * Ends the stream. Per the spec, an event block without its terminating blank line is
   * discarded; the parser is reset and may be reused for a new connection (the last event id is kept).
   */
  end(): void {
    this.buffer = '';
    this.skipLeadingLf = false;
    this.atStreamStart = true;
    this.resetBlock();
  }

  private resetBlock(): void {
    this.dataLines = [];
    this.hasData = false;
    this.eventType = '';
  }

  private processLine(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return null;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.dataLines.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    if (!this.hasData) {
      this.resetBlock();
      return null;
    }
    const event: SseEvent = { event: this.eventType || 'message', data: this.dataLines.join('\n') };
    if (this.lastEventId !== undefined) event.id = this.lastEventId;
    this.resetBlock();
    return event;
  }
}
