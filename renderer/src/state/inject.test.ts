import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DRILL_STORAGE_KEY, readStoredDrill, writeStoredDrill, type DrillStorage } from './inject';

/** A session storage of one tab (what survives a reload). */
function memoryStorage(): DrillStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

/** Loads the store module afresh, as a reload of the console does. */
async function reload(): Promise<typeof import('./inject')> {
  vi.resetModules();
  return import('./inject');
}

describe('active drill across reloads', () => {
  let tab: ReturnType<typeof memoryStorage>;
  beforeEach(() => {
    tab = memoryStorage();
    vi.stubGlobal('sessionStorage', tab);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('keeps the drill id after a reload, so the next event is still drill traffic', async () => {
    const first = await reload();
    expect(first.useInjectPrefs.getState().drillid).toBe('');
    first.useInjectPrefs.getState().setDrillid('drill-20261203-ab12');
    expect(tab.map.get(DRILL_STORAGE_KEY)).toBe('drill-20261203-ab12');

    const second = await reload();
    expect(second.useInjectPrefs.getState().drillid).toBe('drill-20261203-ab12');
    expect(second.activeDrillOf(second.useInjectPrefs.getState().drillid)).toBe('drill-20261203-ab12');
  });

  it('leaving the drill clears it for this and the next page load', async () => {
    const first = await reload();
    first.useInjectPrefs.getState().setDrillid('drill-x1');
    first.useInjectPrefs.getState().leaveDrill();
    expect(first.useInjectPrefs.getState().drillid).toBe('');
    expect(tab.map.has(DRILL_STORAGE_KEY)).toBe(false);
    const second = await reload();
    expect(second.useInjectPrefs.getState().drillid).toBe('');
  });

  it('ignores a stored value that is not a valid drill id', async () => {
    tab.map.set(DRILL_STORAGE_KEY, 'not a drill id!');
    const loaded = await reload();
    expect(loaded.useInjectPrefs.getState().drillid).toBe('');
  });
});

describe('drill storage helpers', () => {
  it('read blank, missing and blocked storage as no drill', () => {
    expect(readStoredDrill(null)).toBe('');
    expect(readStoredDrill(memoryStorage())).toBe('');
    const blocked: DrillStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('SecurityError');
      },
      removeItem: () => undefined,
    };
    expect(readStoredDrill(blocked)).toBe('');
    expect(() => writeStoredDrill(blocked, 'drill-1')).not.toThrow();
  });

  it('trims what it reads and removes the key for a blank id', () => {
    const s = memoryStorage();
    writeStoredDrill(s, ' drill-7 ');
    expect(readStoredDrill(s)).toBe('drill-7');
    writeStoredDrill(s, '  ');
    expect(s.map.size).toBe(0);
  });
});
