import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../contracts/settings';
import { fieldEditable, formFromSettings, settingsFromForm, sourceText } from './settingsForm';

const view: SettingsView = {
  values: {
    kafkaBrokers: ['127.0.0.1:9092', '10.0.0.2:9092'],
    databaseUrl: 'postgres://sct:***@db:5432/sct',
    redisUrl: 'redis://127.0.0.1:6379/0',
    topicPrefix: 'sct',
    siteTimeZone: 'America/Sao_Paulo',
    display: { theme: 'system' },
  },
  sources: {
    kafkaBrokers: 'environment',
    databaseUrl: 'file',
    redisUrl: 'default',
    topicPrefix: 'default',
    siteTimeZone: 'file',
    display: 'default',
  },
  writable: true,
  readOnlyReason: null,
  secretStorage: 'keychain',
};

describe('settings form', () => {
  it('round-trips the settings through the form (the masked password stays masked)', () => {
    const form = formFromSettings(view.values);
    expect(form.kafkaBrokers).toBe('127.0.0.1:9092, 10.0.0.2:9092');
    expect(settingsFromForm(form)).toEqual({ ok: true, settings: view.values });
  });
  it('names each invalid field with its rule', () => {
    const result = settingsFromForm({
      ...formFromSettings(view.values),
      kafkaBrokers: '127.0.0.1:9092, broker-without-port',
      redisUrl: 'http://cache',
      siteTimeZone: 'Sao Paulo',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        kafkaBrokers: '"broker-without-port" must be host:port',
        redisUrl: 'must start with redis://',
        siteTimeZone: 'must be an IANA time zone such as America/Sao_Paulo or UTC',
      },
    });
    expect(settingsFromForm({ ...formFromSettings(view.values), kafkaBrokers: ' ' })).toEqual({
      ok: false,
      errors: { kafkaBrokers: 'needs at least one host:port' },
    });
  });
  it('locks what the environment sets, and everything where settings are read-only', () => {
    expect(fieldEditable(view, 'kafkaBrokers')).toBe(false);
    expect(fieldEditable(view, 'databaseUrl')).toBe(true);
    expect(fieldEditable({ ...view, writable: false }, 'databaseUrl')).toBe(false);
    expect(sourceText('kafkaBrokers', 'environment')).toBe('set by KAFKA_BROKERS (environment)');
    expect(sourceText('databaseUrl', 'file')).toBe('from the settings file');
  });
});
