import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logFormat, prettyStream } from './logger';

describe('log format', () => {
  it('is readable on a terminal and JSON otherwise, unless LOG_FORMAT says', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'PRETTY' }, false)).toBe('pretty');
    expect(logFormat({ LOG_FORMAT: 'xml' }, false)).toBe('json');
  });
  it('writes one line per event with level, component and message, secrets redacted', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const log = pino({ name: 'main', redact: { paths: ['password'], censor: '***' } }, prettyStream(sink));
    log.warn({ service: 'kafka', password: 'hunter2' }, 'Kafka is not reachable');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: \(main\) Kafka is not reachable /);
    expect(lines[0]).toContain('"service":"kafka"');
    expect(lines[0]).not.toContain('hunter2');
  });
});
