import { describe, expect, it } from 'vitest';
import { parseWorkerArgs } from './worker-main';

describe('worker command line', () => {
  it('reads --config in both forms and nothing when absent', () => {
    expect(parseWorkerArgs(['--config', 'w.json'])).toEqual({ configPath: 'w.json', help: false });
    expect(parseWorkerArgs(['--config=w.json']).configPath).toBe('w.json');
    expect(parseWorkerArgs([])).toEqual({ configPath: undefined, help: false });
    expect(parseWorkerArgs(['--help']).help).toBe(true);
    expect(parseWorkerArgs(['-h']).help).toBe(true);
  });

  it('refuses what it does not know instead of ignoring it', () => {
    expect(() => parseWorkerArgs(['--confg', 'w.json'])).toThrow(/--confg/);
    expect(() => parseWorkerArgs(['--config'])).toThrow(/--config/);
    expect(() => parseWorkerArgs(['w.json'])).toThrow(/w\.json/);
  });
});
