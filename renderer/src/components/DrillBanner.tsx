/**
 * The drill banner, above every screen while the console is in a drill: the inject form's active
 * drill (kept across reloads, state/inject.ts) with a button to leave it, so an operator always
 * sees that the next event goes out as drill traffic, and can go back to live traffic on purpose.
 * (`drill-banner`, `drill-banner-id`, `drill-banner-leave`.)
 */
import type { ReactNode } from 'react';
import { hrefs } from '../router/hash';
import { activeDrillOf, useInjectPrefs } from '../state/inject';
import { DrillBadge } from './Badges';

/** The banner of the inject form's active drill; nothing when there is none. */
export function InjectDrillBanner(): ReactNode {
  const drillid = useInjectPrefs((s) => s.drillid);
  const leaveDrill = useInjectPrefs((s) => s.leaveDrill);
  const active = activeDrillOf(drillid);
  if (active === null) return null;
  return (
    <div className="drill-banner" role="status" data-testid="drill-banner" data-drill-id={active}>
      <DrillBadge drillId={active} />
      <span className="drill-banner__text">
        Drill mode: events you inject carry drill id{' '}
        <a className="mono drill-banner__id" href={hrefs.inject()} data-testid="drill-banner-id">
          {active}
        </a>{' '}
        and are left out of live KPIs.
      </span>
      <span className="toolbar__spacer" />
      <button
        type="button"
        className="btn btn--small"
        onClick={leaveDrill}
        data-testid="drill-banner-leave"
        title="Clear the drill id: the next event you inject is live traffic"
      >
        Leave drill
      </button>
    </div>
  );
}
