/** Inject-form preferences kept for the session: the drill id in use (drills send many events). */
import { create } from 'zustand';

interface InjectPrefs {
  drillid: string;
  setDrillid(drillid: string): void;
}

/** Inject preferences store. */
export const useInjectPrefs = create<InjectPrefs>()((set) => ({
  drillid: '',
  setDrillid: (drillid) => set({ drillid }),
}));
