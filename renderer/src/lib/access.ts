/**
 * What the signed-in role may do in the console, derived from the shared role matrix
 * (contracts/auth.ts `roleCan`), and the operator wording of each refusal. The server decides;
 * these only keep the console from offering what it would refuse. Pure functions, unit-tested.
 */
import { ROLE_LABELS, roleCan, type Role } from '../../../contracts/auth';

/** The console's actions a role may or may not take. */
export interface ConsoleAbilities {
  /** May inject events of live (real) traffic. */
  injectLive: boolean;
  /** May inject events carrying a drill id. */
  injectDrill: boolean;
  /** May inject anything at all (the Inject screen is useful). */
  inject: boolean;
  /** Must give a drill id on every injected event (drill traffic only). */
  drillIdRequired: boolean;
  /** May re-drive dead letters. */
  redrive: boolean;
  /** May run, pause, resume, stop and purge drill scenarios. */
  drills: boolean;
}

/** The abilities of `role` (see {@link ConsoleAbilities}). */
export function abilitiesOf(role: Role): ConsoleAbilities {
  const injectLive = roleCan(role, 'inject');
  const injectDrill = roleCan(role, 'inject_drill');
  return {
    injectLive,
    injectDrill,
    inject: injectLive || injectDrill,
    drillIdRequired: injectDrill && !injectLive,
    redrive: roleCan(role, 'redrive'),
    drills: roleCan(role, 'drills'),
  };
}

/** Why the Inject screen is closed to `role`: `Your role (Viewer) cannot inject events.` */
export function injectRefusal(role: Role): string {
  return `Your role (${ROLE_LABELS[role]}) cannot inject events.`;
}

/** Why an injection by `role` needs a drill id, shown next to the drill id field. */
export function drillIdRequiredText(role: Role): string {
  return `your role (${ROLE_LABELS[role]}) may inject drill traffic only, so every event needs a drill id`;
}

/** Tooltip of a re-drive control `role` may not use. */
export function redriveRefusal(role: Role): string {
  return `Your role (${ROLE_LABELS[role]}) cannot re-drive dead letters; a supervisor can.`;
}

/** Tooltip of a drill control (run, pause, stop, purge) `role` may not use. */
export function drillsRefusal(role: Role): string {
  return `Your role (${ROLE_LABELS[role]}) cannot run or purge drills; a drill lead can.`;
}
