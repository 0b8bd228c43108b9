import { describe, expect, it } from 'vitest';
import { configPathFromArgv } from './worker-main';

describe('worker command line', () => {
  it('reads --config in both forms and nothing when absent', () => {
    expect(configPathFromArgv(['--config', 'w.json'])).toBe('w.json');
    expect(configPathFromArgv(['--config=w.json'])).toBe('w.json');
    expect(configPathFromArgv([])).toBeUndefined();
  });

  it('refuses what it does not know instead of ignoring it', () => {
    expect(() => configPathFromArgv(['--confg', 'w.json'])).toThrow(/--confg/);
    expect(() => configPathFromArgv(['--config'])).toThrow(/--config/);
    expect(() => configPathFromArgv(['w.json'])).toThrow(/w\.json/);
  });
});
