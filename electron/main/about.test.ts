/** The About box text: versions and the configured stack, with every secret masked. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../runtime/config';
import { aboutText } from './about';

describe('about text', () => {
  it('names the versions and the stack without any password', () => {
    const { message, detail } = aboutText(
      'Supply Chain Event Tracker',
      { app: '0.1.0', electron: '45.3.4', chrome: '142.0.0.0', node: '22.20.0', v8: '14.2' },
      {
        ...DEFAULT_CONFIG,
        kafkaBrokers: ['kafka-1:9092', 'kafka-2:9092'],
        kafkaSasl: { mechanism: 'scram-sha-512', username: 'console', password: 'kafka-Pa55' },
        databaseUrl: 'postgres://sct:pg-Pa55@db.local:5432/sct?sslpassword=pem-Pa55',
        redisUrl: 'redis://console:redis-Pa55@cache.local:6379/0',
        topicPrefix: 'site-7',
      },
      'http://127.0.0.1:41234',
    );
    expect(message).toBe('Supply Chain Event Tracker 0.1.0');
    expect(detail).toContain('Electron 45.3.4 · Chrome 142.0.0.0 · Node 22.20.0 · V8 14.2');
    expect(detail).toContain('Kafka brokers: kafka-1:9092, kafka-2:9092 (SASL scram-sha-512, user console)');
    expect(detail).toContain('PostgreSQL: postgres://sct:***@db.local:5432/sct');
    expect(detail).toContain('Redis: redis://console:***@cache.local:6379/0');
    expect(detail).toContain('Topic prefix: site-7');
    expect(detail).toContain('Embedded API: http://127.0.0.1:41234');
    expect(detail).not.toMatch(/Pa55/);
  });

  it('says when the API has not started and leaves out unknown runtime versions', () => {
    const { detail } = aboutText('SCT', { app: '1.0.0', node: '20.19.0' }, DEFAULT_CONFIG, null);
    expect(detail.split('\n')[0]).toBe('Node 20.19.0');
    expect(detail).toContain('Embedded API: not started');
  });
});
