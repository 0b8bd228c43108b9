/** Fallback for an unknown hash route. */
import type { ReactNode } from 'react';
import { hrefs } from '../router/hash';

/** "No such page" with a way back. */
export function NotFound({ path }: { path: string }): ReactNode {
  return (
    <div className="screen" data-testid="not-found">
      <div className="notice">
        <div className="notice__title">
          No page at <span className="mono">#{path}</span>
        </div>
        <a href={hrefs.dashboard()}>Back to the dashboard</a>
      </div>
    </div>
  );
}
