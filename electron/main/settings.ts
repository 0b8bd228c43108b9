/**
 * The desktop's settings: the app's settings file (`<userData>/settings.json`) under the
 * environment, with every password sealed by Electron's `safeStorage` (the OS keychain: DPAPI on
 * Windows, Keychain on macOS, libsecret/kwallet on Linux), never written in plain text. The core
 * (server/core.ts) reads and saves through the {@link SettingsHost} made here.
 */
import type { SafeStorage } from 'electron';
import path from 'node:path';
import { outboxDirFrom, resolveConfig, saveSettingsFile, type SecretStore } from '../../runtime/config';
import type { SettingsHost } from '../../server/core';

/**
 * A {@link SecretStore} over Electron's safeStorage: sealed values are base64 of
 * `encryptString`. On Linux without a keyring safeStorage falls back to a hard-coded key
 * (`basic_text`): that is no protection, so it counts as unavailable and no password is saved.
 */
export function safeStorageSecrets(
  storage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
    getSelectedStorageBackend?: () => string;
  },
): SecretStore {
  return {
    get available() {
      if (!storage.isEncryptionAvailable()) return false;
      const backend = process.platform === 'linux' ? storage.getSelectedStorageBackend?.() : undefined;
      return backend !== 'basic_text';
    },
    seal: (plain) => storage.encryptString(plain).toString('base64'),
    unseal: (sealed) => storage.decryptString(Buffer.from(sealed, 'base64')),
  };
}

/**
 * The desktop's settings host: environment > the app's settings file > defaults; saving writes
 * the file (mode 0600) with passwords sealed by `secrets`.
 * @param file the app's settings file
 */
export function desktopSettings(file: string, env: NodeJS.ProcessEnv, secrets: SecretStore): SettingsHost {
  return {
    resolve: () => resolveConfig({ env, settingsFile: file, settingsRequired: false, secrets }),
    save: (settings, current) => saveSettingsFile(file, settings, current, secrets),
    readOnlyReason: null,
    secretStorage: secrets.available ? 'keychain' : 'none',
  };
}

/**
 * The desktop's offline outbox folder (server/outbox/): `<userData>/outbox`, the app's own data
 * folder (kept across updates), unless SCT_OUTBOX_DIR names another (or `off`).
 */
export function desktopOutboxDir(userData: string, env: NodeJS.ProcessEnv): string | null {
  return outboxDirFrom(env, path.join(userData, 'outbox'));
}
