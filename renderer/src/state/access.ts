/**
 * The signed-in role's abilities as a React hook, for screens and the navigation: what to offer,
 * what to explain. Before the console is connected (never rendered then) it answers as a viewer.
 */
import type { Role } from '../../../contracts/auth';
import { abilitiesOf, type ConsoleAbilities } from '../lib/access';
import { usePrincipal } from './connection';

/** The abilities of the signed-in role, with the role itself (for wording). */
export function useAbilities(): ConsoleAbilities & { role: Role } {
  const role = usePrincipal()?.role ?? 'viewer';
  return { ...abilitiesOf(role), role };
}
