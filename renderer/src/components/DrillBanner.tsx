/**
 * The drill banners, above every screen while the console is in a drill:
 * - each scenario run that is running, paused or interrupted (`GET /api/drills/runs?state=active`,
 *   polled every second, so it survives a reload and shows runs started elsewhere), with its
 *   progress (sent of total, rate, elapsed, remaining) and a link to its report
 *   (`drill-run-banner`, `drill-run-banner-progress`);
 * - the inject form's active drill (kept across reloads, state/inject.ts) with a button to leave
 *   it, so an operator always sees that the next event goes out as drill traffic, and can go back
 *   to live traffic on purpose (`drill-banner`, `drill-banner-id`, `drill-banner-leave`).
 */
import type { ReactNode } from 'react';
import type { DrillRun } from '../../../contracts/drills';
import { progressShare, progressText, RUN_STATE_LABELS } from '../lib/drills';
import { useActiveRuns } from '../query/drills';
import { hrefs } from '../router/hash';
import { activeDrillOf, useInjectPrefs } from '../state/inject';
import { DrillBadge } from './Badges';

/** Both banners: active scenario runs, then the inject form's drill. */
export function DrillBanners(): ReactNode {
  return (
    <>
      <RunBanners />
      <InjectDrillBanner />
    </>
  );
}

/** One banner per active run (nothing when no run is active). */
function RunBanners(): ReactNode {
  const runs = useActiveRuns();
  const items = runs.data?.items ?? [];
  return items.map((run) => <RunBanner key={run.id} run={run} />);
}

/** The banner of one active run. */
export function RunBanner({ run }: { run: DrillRun }): ReactNode {
  const share = progressShare(run);
  return (
    <div
      className={`drill-banner drill-banner--run drill-banner--${run.state}`}
      role="status"
      data-testid="drill-run-banner"
      data-run-id={run.id}
      data-state={run.state}
      data-sent={run.progress.sent}
      data-total={run.progress.total}
    >
      <DrillBadge drillId={run.drillId} />
      <span className="drill-banner__text">
        Drill <strong>{run.scenarioName}</strong> {RUN_STATE_LABELS[run.state]} ·{' '}
        <span className="mono">{run.drillId}</span>
      </span>
      <progress
        className="drill-progress"
        max={1}
        value={share}
        aria-label={`Drill ${run.drillId} progress`}
      />
      <span className="num small" data-testid="drill-run-banner-progress">
        {progressText(run)}
      </span>
      <span className="toolbar__spacer" />
      <a className="btn btn--small" href={hrefs.drills()} data-testid="drill-run-banner-open">
        Controls
      </a>
      <a className="btn btn--small btn--ghost" href={hrefs.drillRun(run.id)}>
        Report
      </a>
    </div>
  );
}

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
