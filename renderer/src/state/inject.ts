/**
 * Inject-form preferences: the active drill (the drill id every injected event carries while it
 * is set). It is kept in the tab's `sessionStorage` (key {@link DRILL_STORAGE_KEY}), so a reload of
 * the console keeps the drill instead of silently sending the next event as real traffic; the
 * drill banner (components/DrillBanner.tsx) shows it on every screen with a button to leave it.
 * A stored value that is not a valid drill id is ignored (treated as no drill).
 */
import { create } from 'zustand';
import { isValidDrillId } from '../inject/formModel';

/** `sessionStorage` key of the active drill id. */
export const DRILL_STORAGE_KEY = 'sct.inject.drillid';

/** The minimal storage interface the store uses (`sessionStorage` in the browser). */
export interface DrillStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface InjectPrefs {
  /** The drill id being typed or in use ('' = live traffic). */
  drillid: string;
  setDrillid(drillid: string): void;
  /** Leaves the drill: the next event is live traffic again. */
  leaveDrill(): void;
}

function sessionStore(): DrillStorage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage blocked
  }
}

/**
 * The drill id kept in `storage`, or '' when there is none or it is not a valid drill id
 * (hand-edited, or written by an older console).
 */
export function readStoredDrill(storage: DrillStorage | null): string {
  try {
    const raw = storage?.getItem(DRILL_STORAGE_KEY) ?? '';
    return isValidDrillId(raw) ? raw.trim() : '';
  } catch {
    return '';
  }
}

/** Stores `drillid` (removes the key when blank). Never throws (blocked storage: this page only). */
export function writeStoredDrill(storage: DrillStorage | null, drillid: string): void {
  try {
    if (drillid.trim() === '') storage?.removeItem(DRILL_STORAGE_KEY);
    else storage?.setItem(DRILL_STORAGE_KEY, drillid);
  } catch {
    // storage blocked or full: the drill lasts for this page only
  }
}

/** The active drill id: the stored one when it is valid, else '' (live traffic). */
export function activeDrillOf(drillid: string): string | null {
  return isValidDrillId(drillid) ? drillid.trim() : null;
}

/** Inject preferences store, loaded from and written to the tab's session storage. */
export const useInjectPrefs = create<InjectPrefs>()((set) => ({
  drillid: readStoredDrill(sessionStore()),
  setDrillid: (drillid) => set({ drillid }),
  leaveDrill: () => set({ drillid: '' }),
}));

useInjectPrefs.subscribe((s, prev) => {
  if (s.drillid !== prev.drillid) writeStoredDrill(sessionStore(), s.drillid);
});
