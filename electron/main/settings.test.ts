/** The desktop settings host with Electron's safeStorage mocked: sealed with the keychain, refused without one. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { desktopOutboxDir, desktopSettings, safeStorageSecrets } from './settings';

function fakeSafeStorage(backend = 'gnome_libsecret', available = true) {
  return {
    isEncryptionAvailable: vi.fn(() => available),
    encryptString: vi.fn((s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a))),
    decryptString: vi.fn((b: Buffer) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString()),
    getSelectedStorageBackend: vi.fn(() => backend),
  };
}

const values = {
  kafkaBrokers: ['127.0.0.1:19700'],
  databaseUrl: 'postgres://sct:Pg-Secret-1@127.0.0.1:5432/sct',
  redisUrl: 'redis://127.0.0.1:6379/0',
  topicPrefix: 'field',
  siteTimeZone: 'UTC',
  display: { theme: 'system' as const },
};

describe('desktop settings', () => {
  it('saves passwords sealed by safeStorage and reads them back', () => {
    const storage = fakeSafeStorage();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sct-desktop-')), 'settings.json');
    const host = desktopSettings(file, {}, safeStorageSecrets(storage));
    expect(host.secretStorage).toBe('keychain');
    host.save!(values, host.resolve().config);
    expect(storage.encryptString).toHaveBeenCalledWith('Pg-Secret-1');
    expect(readFileSync(file, 'utf8')).not.toContain('Pg-Secret-1');
    expect(host.resolve().config.databaseUrl).toBe('postgres://sct:Pg-Secret-1@127.0.0.1:5432/sct');
    expect(host.resolve().sources.topicPrefix).toBe('file');
  });
  it("does not count Linux's plain-text fallback as a keychain", () => {
    const secrets = safeStorageSecrets(fakeSafeStorage('basic_text'));
    expect(secrets.available).toBe(process.platform !== 'linux');
    expect(safeStorageSecrets(fakeSafeStorage('gnome_libsecret', false)).available).toBe(false);
  });
});

describe('desktop outbox folder', () => {
  it('is under the app data folder unless SCT_OUTBOX_DIR names another or turns it off', () => {
    const userData = path.resolve('/data/Supply Chain Event Tracker');
    expect(desktopOutboxDir(userData, {})).toBe(path.join(userData, 'outbox'));
    expect(desktopOutboxDir(userData, { SCT_OUTBOX_DIR: '/srv/outbox' })).toBe(path.resolve('/srv/outbox'));
    expect(desktopOutboxDir(userData, { SCT_OUTBOX_DIR: 'off' })).toBeNull();
  });
});
