/**
 * The left navigation: brand, the sections the signed-in role can use (no Inject entry for a
 * role that cannot inject), and the connection mode at the bottom.
 */
import type { ReactNode } from 'react';
import { formatCount } from '../lib/format';
import { hrefs, sectionOf, type NavSection, type Route } from '../router/hash';
import { useAbilities } from '../state/access';
import { useConnection } from '../state/connection';
import { useOpenDeadLetterCount } from '../query/deadLetters';

interface NavItem {
  id: NavSection;
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
    id: 'shipments',
    label: 'Shipments',
    href: hrefs.shipments(),
    icon: (
      <svg {...ICON_PROPS}>
        <rect x="1.5" y="4.5" width="8" height="7" />
        <path d="M9.5 6.5h3l2 2.5v2.5h-5" />
        <circle cx="4.5" cy="12.5" r="1.2" />
        <circle cx="12" cy="12.5" r="1.2" />
      </svg>
    ),
  },
  {
    id: 'exceptions',
    label: 'Exceptions',
    href: hrefs.exceptions(),
    icon: (
      <svg {...ICON_PROPS}>
        <path d="M8 1.8 14.5 13.5h-13z" />
        <path d="M8 6v3.5M8 11.2v.3" />
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
  {
    id: 'drills',
    label: 'Drills',
    href: hrefs.drills(),
    icon: (
      <svg {...ICON_PROPS}>
        <circle cx="8" cy="8" r="6" />
        <circle cx="8" cy="8" r="3" />
        <path d="M8 1v2M8 13v2M1 8h2M13 8h2" />
      </svg>
    ),
  },
  {
    id: 'dead-letters',
    label: 'Dead letters',
    href: hrefs.deadLetters(),
    icon: (
      <svg {...ICON_PROPS}>
        <rect x="1.5" y="3.5" width="13" height="9" />
        <path d="M1.5 4l6.5 5 6.5-5" />
      </svg>
    ),
  },
  {
    id: 'pipeline',
    label: 'Pipeline',
    href: hrefs.pipeline(),
    icon: (
      <svg {...ICON_PROPS}>
        <circle cx="3" cy="8" r="1.75" />
        <circle cx="13" cy="3.5" r="1.75" />
        <circle cx="13" cy="12.5" r="1.75" />
        <path d="M4.75 8h3.5M8.25 3.5v9M8.25 3.5h3M8.25 12.5h3" />
      </svg>
    ),
  },
  {
    id: 'audit',
    label: 'Audit log',
    href: hrefs.audit(),
    icon: (
      <svg {...ICON_PROPS}>
        <path d="M3.5 1.5h6l3 3v10h-9z" />
        <path d="M5.5 7.5h5M5.5 10h5M5.5 12.5h3" />
      </svg>
    ),
  },
  {
    id: 'settings',
    label: 'Settings',
    href: hrefs.settings(),
    icon: (
      <svg {...ICON_PROPS}>
        <circle cx="8" cy="8" r="2.25" />
        <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
      </svg>
    ),
  },
];

/** Count of open dead letters next to the nav link (`nav-dead-letters-count`; polled by the console shell). */
function DeadLetterBadge(): ReactNode {
  const open = useOpenDeadLetterCount();
  if (!open) return null;
  return (
    <span
      className="nav__badge"
      data-testid="nav-dead-letters-count"
      title={`${formatCount(open)} open dead letter${open === 1 ? '' : 's'}`}
    >
      {open > 999 ? '999+' : formatCount(open)}
    </span>
  );
}

/**
 * Left navigation (`nav-dashboard`, `nav-orders`, `nav-inject`, `nav-drills`, `nav-dead-letters`,
 * `nav-pipeline`, `nav-audit`, `nav-settings`).
 */
export function Nav({ route }: { route: Route }): ReactNode {
  const section = sectionOf(route);
  const connection = useConnection((s) => s.state);
  const { inject } = useAbilities();
  const items = inject ? ITEMS : ITEMS.filter((item) => item.id !== 'inject');
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
        {items.map((item) => (
          <li key={item.id}>
            <a
              href={item.href}
              className={`nav__link${section === item.id ? ' nav__link--active' : ''}`}
              aria-current={section === item.id ? 'page' : undefined}
              data-testid={`nav-${item.id}`}
            >
              {item.icon}
              {item.label}
              {item.id === 'dead-letters' && <DeadLetterBadge />}
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
          </>
        )}
      </div>
    </nav>
  );
}
