/**
 * The settings model (runtime/config.ts over contracts/settings.ts): validation naming the field,
 * precedence environment > file > default with the source of each value, and passwords never
 * written in plain text (sealed through the SecretStore, masked for the console).
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editableSettingsSchema, type EditableSettings } from '../contracts/settings';
import {
  ConfigError,
  maskedSettings,
  resolveConfig,
  saveSettingsFile,
  unmaskUrl,
  type SecretStore,
} from './config';

/** A reversible stand-in for the OS keychain (its sealed text never contains the secret). */
const keychain: SecretStore = {
  available: true,
  seal: (plain) => Buffer.from(`k1:${plain}`).toString('base64').split('').reverse().join(''),
  unseal: (sealed) =>
    Buffer.from(sealed.split('').reverse().join(''), 'base64').toString().replace(/^k1:/, ''),
};
const noKeychain: SecretStore = {
  available: false,
  seal: () => {
    throw new Error('no keychain');
  },
  unseal: () => {
    throw new Error('no keychain');
  },
};

function tempFile(content?: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-settings-')), 'settings.json');
  if (content !== undefined) writeFileSync(file, JSON.stringify(content));
  return file;
}

const settings: EditableSettings = {
  kafkaBrokers: ['10.0.0.5:9092'],
  databaseUrl: 'postgres://sct:S3cret%2Fpw@db.site:5432/sct',
  redisUrl: 'redis://cache:R3dis-pw@cache.site:6379/0',
  topicPrefix: 'site1',
  siteTimeZone: 'America/Sao_Paulo',
  display: { theme: 'dark' },
};
const resolve = (env: NodeJS.ProcessEnv, file?: string, secrets: SecretStore | null = keychain) =>
  resolveConfig({ env, settingsFile: file, settingsRequired: false, stackCredentialsFile: null, secrets });

describe('settings model: validation', () => {
  it('names each invalid field and its rule', () => {
    const parsed = editableSettingsSchema.safeParse({
      ...settings,
      kafkaBrokers: ['no-port'],
      databaseUrl: 'mysql://x',
      siteTimeZone: 'Mars/Olympus_Mons',
      display: { theme: 'sepia' },
    });
    expect(parsed.success).toBe(false);
    const issues = parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'kafkaBrokers.0: must be host:port',
        'databaseUrl: must start with postgres://',
        'siteTimeZone: must be an IANA time zone such as America/Sao_Paulo or UTC',
        expect.stringMatching(/^display\.theme: /),
      ]),
    );
  });
  it('names the environment variable of a bad site time zone or display option', () => {
    expect(() => resolve({ SCT_SITE_TZ: 'Nowhere/Land' })).toThrow(
      /SCT_SITE_TZ \(siteTimeZone\): must be an IANA time zone/,
    );
    expect(() => resolve({ SCT_THEME: 'sepia' })).toThrow(/SCT_THEME \(display\.theme\)/);
  });
});

describe('settings model: precedence and sources', () => {
  it('takes the environment over the file over the defaults, and says where each value came from', () => {
    const file = tempFile({ topicPrefix: 'fromfile', siteTimeZone: 'Europe/Lisbon', kafkaBrokers: ['f:1'] });
    const { config, sources } = resolve({ KAFKA_BROKERS: 'env:9092', SCT_THEME: 'light' }, file);
    expect(config.kafkaBrokers).toEqual(['env:9092']);
    expect(sources.kafkaBrokers).toBe('environment');
    expect(config.topicPrefix).toBe('fromfile');
    expect(sources.topicPrefix).toBe('file');
    expect(config.siteTimeZone).toBe('Europe/Lisbon');
    expect(sources.siteTimeZone).toBe('file');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(sources.redisUrl).toBe('default');
    expect(config.display).toEqual({ theme: 'light' });
    expect(sources.display).toBe('environment');
  });
});

describe('settings model: secrets', () => {
  it('never writes a password in plain text, and reads it back through the keychain', () => {
    const file = tempFile();
    const current = resolve({}, file).config;
    saveSettingsFile(file, settings, current, keychain);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('S3cret');
    expect(text).not.toContain('R3dis-pw');
    expect(text).toContain('postgres://sct@db.site:5432/sct');
    expect(JSON.parse(text)).toMatchObject({
      sealed: { databaseUrl: expect.any(String), redisUrl: expect.any(String) },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { config, sources } = resolve({}, file);
    expect(config.databaseUrl).toBe('postgres://sct:S3cret%2Fpw@db.site:5432/sct');
    expect(config.redisUrl).toBe('redis://cache:R3dis-pw@cache.site:6379/0');
    expect(sources.databaseUrl).toBe('file');
    // The console sees the URLs masked.
    expect(maskedSettings(config).databaseUrl).toBe('postgres://sct:***@db.site:5432/sct');
    expect(JSON.stringify(maskedSettings(config))).not.toMatch(/S3cret|R3dis/);
  });
  it('keeps the stored password when the console sends the masked URL back', () => {
    const file = tempFile();
    saveSettingsFile(file, settings, resolve({}, file).config, keychain);
    const current = resolve({}, file).config;
    saveSettingsFile(
      file,
      { ...settings, databaseUrl: 'postgres://sct:***@db2.site:5432/sct' },
      current,
      keychain,
    );
    expect(resolve({}, file).config.databaseUrl).toBe('postgres://sct:S3cret%2Fpw@db2.site:5432/sct');
    expect(unmaskUrl('redis://cache:***@x:1/0', 'redis://127.0.0.1:6379/0')).toBe('redis://cache@x:1/0');
  });
  it('seals a plain Kafka SASL password already in the file when it saves', () => {
    const file = tempFile({
      kafkaSasl: { mechanism: 'scram-sha-256', username: 'sct', password: 'KafkaPw-123' },
    });
    saveSettingsFile(file, settings, resolve({}, file).config, keychain);
    expect(readFileSync(file, 'utf8')).not.toContain('KafkaPw-123');
    expect(resolve({}, file).config.kafkaSasl).toEqual({
      mechanism: 'scram-sha-256',
      username: 'sct',
      password: 'KafkaPw-123',
    });
  });
  it('refuses to save a password without a keychain, naming the field, and writes nothing', () => {
    const file = tempFile({ topicPrefix: 'before' });
    const current = resolve({}, file, null).config;
    expect(() => saveSettingsFile(file, settings, current, noKeychain)).toThrow(ConfigError);
    expect(() => saveSettingsFile(file, settings, current, noKeychain)).toThrow(
      /DATABASE_URL \(databaseUrl\): the password cannot be stored safely/,
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ topicPrefix: 'before' });
    // Without passwords nothing needs the keychain.
    saveSettingsFile(
      file,
      { ...settings, databaseUrl: 'postgres://sct@db.site/sct', redisUrl: 'redis://cache.site:6379/0' },
      current,
      noKeychain,
    );
    expect(resolve({}, file, null).config.topicPrefix).toBe('site1');
  });
  it('says which setting cannot be read where the keychain is missing, without the sealed value', () => {
    const file = tempFile();
    saveSettingsFile(file, settings, resolve({}, file).config, keychain);
    const sealed = (JSON.parse(readFileSync(file, 'utf8')) as { sealed: { databaseUrl: string } }).sealed
      .databaseUrl;
    let message = '';
    try {
      resolve({}, file, null);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/databaseUrl: its password was saved with the desktop app's OS keychain/);
    expect(message).not.toContain(sealed);
    // The environment still wins over the file.
    expect(
      resolve(
        { DATABASE_URL: 'postgres://postgres@127.0.0.1/sct', REDIS_URL: 'redis://127.0.0.1:6379/0' },
        tempFile({ topicPrefix: 'x' }),
        null,
      ).config.topicPrefix,
    ).toBe('x');
  });
});
