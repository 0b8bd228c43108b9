/**
 * The application shell: connection gate (desktop bridge, or in the browser the operator sign-in
 * or the machine token), then the console: left navigation, header (screen title, id lookup, live
 * indicator, who is signed in), the routed screen with the
 * outage banner above it, and the health strip at the bottom. Server state lives in TanStack
 * Query (renderer/src/query): one query client per connection, so nothing cached for one
 * operator or token is shown to the next; once connected, the console runs the live sync (the
 * live stream invalidates what changed) and the pollers for what nothing pushes (health, the
 * open dead-letter count).
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { DrillBanners } from './components/DrillBanner';
import { ConnectionGate } from './components/ConnectionGate';
import { EntityLookup } from './components/EntityLookup';
import { HealthStrip, OutageBanner } from './components/HealthStrip';
import { LiveIndicator } from './components/LiveIndicator';
import { Nav } from './components/Nav';
import { SignedIn } from './components/SignedIn';
import { ShortcutHint, Shortcuts, ThemeButton } from './components/Shortcuts';
import { routeHref, type Route } from './router/hash';
import { useRoute } from './router/useRoute';
import { AuditLog } from './screens/AuditLog';
import { Dashboard } from './screens/Dashboard';
import { DrillReportPage } from './screens/DrillReport';
import { Drills } from './screens/Drills';
import { DeadLetters } from './screens/DeadLetters';
import { InjectEvent } from './screens/InjectEvent';
import { QueuedInjections } from './screens/QueuedInjections';
import { OutboxBadge } from './components/OutboxBadge';
import { NotFound } from './screens/NotFound';
import { OrderDetail } from './screens/OrderDetail';
import { OrdersList } from './screens/OrdersList';
import { Pipeline } from './screens/Pipeline';
import { ExceptionsQueue } from './screens/ExceptionsQueue';
import { Settings } from './screens/Settings';
import { ShipmentsList } from './screens/ShipmentsList';
import { ShipmentTimeline } from './screens/ShipmentTimeline';
import { SignInScreen } from './screens/SignInScreen';
import { TokenScreen } from './screens/TokenScreen';
import { useLiveSync } from './query/liveSync';
import { useSettings } from './query/settings';
import { useTheme } from './state/theme';
import { useConsolePolling } from './query/polling';
import { createQueryClient } from './query/queryClient';
import { useConnection, watchTokenLinks, type ConnectionPhase } from './state/connection';

/** Title of a route, for the header and the window title. */
export function routeTitle(route: Route): string {
  switch (route.name) {
    case 'dashboard':
      return 'Dashboard';
    case 'orders':
      return 'Orders';
    case 'order':
      return `Order ${route.orderId}`;
    case 'shipments':
      return 'Shipments';
    case 'exceptions':
      return 'Exceptions';
    case 'shipment':
      return `Shipment ${route.shipmentId}`;
    case 'inject':
      return 'Inject event';
    case 'outbox':
      return 'Queued injections';
    case 'dead-letters':
      return 'Dead letters';
    case 'pipeline':
      return 'Pipeline';
    case 'audit':
      return 'Audit log';
    case 'drills':
      return 'Drills';
    case 'drill-run':
      return 'Drill report';
    case 'settings':
      return 'Settings';
    case 'not-found':
      return 'Not found';
  }
}

function Screen({ route }: { route: Route }): ReactNode {
  switch (route.name) {
    case 'dashboard':
      return <Dashboard search={route.search ?? ''} />;
    case 'orders':
      return <OrdersList search={route.search} />;
    case 'order':
      return <OrderDetail key={route.orderId} orderId={route.orderId} />;
    case 'shipments':
      return <ShipmentsList filters={route.filters} />;
    case 'exceptions':
      return <ExceptionsQueue page={route.page} {...(route.traffic ? { traffic: route.traffic } : {})} />;
    case 'shipment':
      return <ShipmentTimeline key={route.shipmentId} shipmentId={route.shipmentId} />;
    case 'inject':
      return <InjectEvent key={routeHref(route)} presetType={route.type} presetSubject={route.subject} />;
    case 'outbox':
      return <QueuedInjections />;
    case 'dead-letters':
      return <DeadLetters />;
    case 'pipeline':
      return <Pipeline />;
    case 'audit':
      return <AuditLog search={route.search} />;
    case 'drills':
      return <Drills />;
    case 'drill-run':
      return <DrillReportPage key={route.runId} runId={route.runId} />;
    case 'settings':
      return <Settings />;
    case 'not-found':
      return <NotFound path={route.path} />;
  }
}

function Breadcrumb({ route }: { route: Route }): ReactNode {
  if (route.name === 'order' || route.name === 'shipment') {
    return (
      <h1 className="topbar__title topbar__title--crumb">
        <a href={route.name === 'order' ? '#/orders' : '#/shipments'} className="topbar__crumb">
          {route.name === 'order' ? 'Orders' : 'Shipments'}
        </a>
        <span className="topbar__sep">/</span>
        <span>{route.name === 'order' ? 'Order' : 'Shipment'}</span>{' '}
        <span className="mono">{route.name === 'order' ? route.orderId : route.shipmentId}</span>
      </h1>
    );
  }
  return <h1 className="topbar__title topbar__title--fixed">{routeTitle(route)}</h1>;
}

function Console(): ReactNode {
  const route = useRoute();
  useLiveSync();
  useConsolePolling();
  // The settings' default theme, where the operator has not picked one in this browser.
  const defaultTheme = useSettings().data?.values.display.theme;
  useEffect(() => {
    if (defaultTheme) useTheme.getState().setDefault(defaultTheme);
  }, [defaultTheme]);
  useEffect(() => {
    document.title = `${routeTitle(route)} · Supply Chain Event Tracker`;
  }, [route]);
  return (
    <div className="app">
      <Nav route={route} />
      <header className="topbar">
        <Breadcrumb route={route} />
        <span className="toolbar__spacer" />
        <OutboxBadge />
        <EntityLookup />
        <LiveIndicator />
        <ThemeButton />
        <ShortcutHint />
        <SignedIn />
      </header>
      <Shortcuts />
      <main className="main" id="main">
        <OutageBanner />
        <DrillBanners />
        <Screen route={route} />
      </main>
      <HealthStrip />
    </div>
  );
}

/** A query client for its subtree; keyed by the connection, so each connection starts empty. */
function DataLayer({ children }: { children: ReactNode }): ReactNode {
  const [client] = useState(createQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

/** Root component. */
export function App(): ReactNode {
  const state = useConnection((s) => s.state);
  useEffect(() => {
    if (useConnection.getState().state.phase === 'starting') void useConnection.getState().start();
  }, []);
  useEffect(() => watchTokenLinks(), []);
  return (
    <DataLayer key={state.phase === 'ready' ? `console:${state.epoch}` : 'gate'}>
      <Gate state={state} />
    </DataLayer>
  );
}

/** The connection gate: what to show for each connection phase. */
function Gate({ state }: { state: ConnectionPhase }): ReactNode {
  switch (state.phase) {
    case 'starting':
      return <div className="gate placeholder">Connecting to the console API…</div>;
    case 'sign-in':
      return <SignInScreen notice={state.notice} username={state.username ?? ''} />;
    case 'needs-token':
      return <TokenScreen reason={state.reason} />;
    case 'failed':
      return (
        <div className="gate">
          <div className="notice notice--error" role="alert">
            <div className="notice__title">The console cannot start</div>
            <div>{state.message}</div>
            <button
              type="button"
              className="btn btn--small"
              onClick={() => void useConnection.getState().start()}
            >
              Try again
            </button>
          </div>
        </div>
      );
    case 'ready':
      // The connection screen until the core's start completed (services answering, migrated).
      return (
        <ConnectionGate>
          <Console key={state.epoch} />
        </ConnectionGate>
      );
  }
}
