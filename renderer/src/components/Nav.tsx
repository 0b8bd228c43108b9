/** The left navigation: brand, the three sections, and the connection mode at the bottom. */
import type { ReactNode } from 'react';
import { hrefs, sectionOf, type Route } from '../router/hash';
import { useConnection } from '../state/connection';

interface NavItem {
  id: 'dashboard' | 'orders' | 'inject';
  label: string;
  href: string;
  icon: ReactNode;
}

const ICON_PROPS = {
  width: 16,
  height: 16,
  viewBox: '0 0 16 16',
  'aria-hidden': true,
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 1.5,
} as const;

const ITEMS: NavItem[] = [
  {
    id: 'dashboard',
    label: 'Dashboard',
    href: hrefs.dashboard(),
    icon: (
      <svg {...ICON_PROPS}>
        <rect x="1.5" y="1.5" width="5" height="6" />
        <rect x="9.5" y="1.5" width="5" height="3.5" />
        <rect x="1.5" y="10.5" width="5" height="4" />
        <rect x="9.5" y="8" width="5" height="6.5" />
      </svg>
    ),
  },
  {
    id: 'orders',
    label: 'Orders',
    href: hrefs.orders(),
    icon: (
      <svg {...ICON_PROPS}>
        <path d="M2 3.5h12M2 8h12M2 12.5h12" />
      </svg>
    ),
  },
  {
    id: 'inject',
    label: 'Inject event',
    href: hrefs.inject(),
    icon: (
      <svg {...ICON_PROPS}>
        <path d="M8 2v12M2 8h12" />
      </svg>
    ),
  },
];

/** Left navigation (`nav-dashboard`, `nav-orders`, `nav-inject`). */
export function Nav({ route }: { route: Route }): ReactNode {
  const section = sectionOf(route);
  const connection = useConnection((s) => s.state);
  const signOut = useConnection((s) => s.signOut);
  return (
    <nav className="nav" aria-label="Main">
      <div className="nav__brand">
        <span className="nav__logo" aria-hidden="true">
          SCT
        </span>
        <span className="nav__title">
          Supply Chain
          <br />
          Event Tracker
        </span>
      </div>
      <ul className="nav__list">
        {ITEMS.map((item) => (
          <li key={item.id}>
            <a
              href={item.href}
              className={`nav__link${section === item.id ? ' nav__link--active' : ''}`}
              aria-current={section === item.id ? 'page' : undefined}
              data-testid={`nav-${item.id}`}
            >
              {item.icon}
              {item.label}
            </a>
          </li>
        ))}
      </ul>
      <div className="nav__footer">
        {connection.phase === 'ready' && (
          <>
            <div className="muted">
              {connection.mode === 'desktop' ? 'Desktop console' : 'Browser console'}
            </div>
            <div className="mono nav__api" title="Console API">
              {connection.baseUrl.replace(/^https?:\/\//, '')}
            </div>
            {connection.mode === 'browser' && (
              <button type="button" className="btn btn--link" onClick={signOut}>
                Sign out
              </button>
            )}
          </>
        )}
      </div>
    </nav>
  );
}
