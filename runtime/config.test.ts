import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopback, loadConfig } from './config';

describe('loadConfig', () => {
  it('uses localhost defaults and lets the environment win', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'a:1, b:2', SCT_API_PORT: '8080' });
    expect(c.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(c.apiPort).toBe(8080);
    expect(c.apiHost).toBe('127.0.0.1');
  });
  it('names the environment variable and the rule of a bad value', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL \(databaseUrl\): must start with postgres/,
    );
    expect(() => loadConfig({ KAFKA_BROKERS: 'nohost' })).toThrow(
      /KAFKA_BROKERS \(kafkaBrokers\): must be host:port/,
    );
  });
  it('refuses a settings file the operator named that does not exist', () => {
    expect(() => loadConfig({ SCT_SETTINGS_FILE: '/nonexistent/sct.json' })).toThrow(ConfigError);
    expect(() => loadConfig({ SCT_SETTINGS_FILE: '/nonexistent/sct.json' })).toThrow(
      /cannot be read: ENOENT/,
    );
    // The desktop's own settings file may simply not exist yet.
    expect(loadConfig({}, '/nonexistent/settings.json').topicPrefix).toBe('sct');
  });
  it('reports a broken settings file without quoting any of it (it may hold a password)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sct-config-'));
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, '{"kafkaSaslPassword":TopSecretPassword"}');
    expect(() => loadConfig({}, file, {}, true)).toThrow(ConfigError);
    expect(() => loadConfig({}, file, {}, true)).toThrow(/settings\.json is not valid JSON/);
    expect(() => loadConfig({}, file, {}, true)).not.toThrow(/TopSecret/);
  });

  it('reads a settings file and reports its invalid keys', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sct-config-'));
    const file = path.join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ topicPrefix: 'demo' }));
    expect(loadConfig({ SCT_SETTINGS_FILE: file }).topicPrefix).toBe('demo');
    writeFileSync(file, JSON.stringify({ apiPort: 'x' }));
    expect(() => loadConfig({ SCT_SETTINGS_FILE: file })).toThrow(/apiPort/);
  });
  it('tells loopback addresses apart', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
  });
});
