/**
 * The application shell: connection gate (desktop bridge, or in the browser the operator sign-in
 * or the machine token), then the console: left navigation, header (screen title, id lookup, live
 * indicator, who is signed in), the routed screen with the
 * outage banner above it, and the health strip at the bottom. Starts the live stream and the
 * health polling once connected.
 */
import { useEffect, type ReactNode } from 'react';
import { EntityLookup } from './components/EntityLookup';
import { HealthStrip, OutageBanner } from './components/HealthStrip';
import { LiveIndicator } from './components/LiveIndicator';
import { Nav } from './components/Nav';
import { SignedIn } from './components/SignedIn';
import { routeHref, type Route } from './router/hash';
import { useRoute } from './router/useRoute';
import { AuditLog } from './screens/AuditLog';
import { Dashboard } from './screens/Dashboard';
import { DeadLetters } from './screens/DeadLetters';
import { InjectEvent } from './screens/InjectEvent';
import { NotFound } from './screens/NotFound';
import { OrderDetail } from './screens/OrderDetail';
import { OrdersList } from './screens/OrdersList';
import { Pipeline } from './screens/Pipeline';
import { ShipmentTimeline } from './screens/ShipmentTimeline';
import { SignInScreen } from './screens/SignInScreen';
import { TokenScreen } from './screens/TokenScreen';
import { useConnection, watchTokenLinks } from './state/connection';
import { startHealthPolling } from './state/health';
import { startLive, startRedisFallback } from './state/live';

/** Title of a route, for the header and the window title. */
export function routeTitle(route: Route): string {
  switch (route.name) {
    case 'dashboard':
      return 'Dashboard';
    case 'orders':
      return 'Orders';
    case 'order':
      return `Order ${route.orderId}`;
    case 'shipment':
      return `Shipment ${route.shipmentId}`;
    case 'inject':
      return 'Inject event';
    case 'dead-letters':
      return 'Dead letters';
    case 'pipeline':
      return 'Pipeline';
    case 'audit':
      return 'Audit log';
    case 'not-found':
      return 'Not found';
  }
}

function Screen({ route }: { route: Route }): ReactNode {
  switch (route.name) {
    case 'dashboard':
      return <Dashboard />;
    case 'orders':
      return <OrdersList />;
    case 'order':
      return <OrderDetail key={route.orderId} orderId={route.orderId} />;
    case 'shipment':
      return <ShipmentTimeline key={route.shipmentId} shipmentId={route.shipmentId} />;
    case 'inject':
      return <InjectEvent key={routeHref(route)} presetType={route.type} presetSubject={route.subject} />;
    case 'dead-letters':
      return <DeadLetters />;
    case 'pipeline':
      return <Pipeline />;
    case 'audit':
      return <AuditLog />;
    case 'not-found':
      return <NotFound path={route.path} />;
  }
}

function Breadcrumb({ route }: { route: Route }): ReactNode {
  if (route.name === 'order' || route.name === 'shipment') {
    return (
      <h1 className="topbar__title">
        <a href="#/orders" className="topbar__crumb">
          Orders
        </a>
        <span className="topbar__sep">/</span>
        <span>{route.name === 'order' ? 'Order' : 'Shipment'}</span>{' '}
        <span className="mono">{route.name === 'order' ? route.orderId : route.shipmentId}</span>
      </h1>
    );
  }
  return <h1 className="topbar__title">{routeTitle(route)}</h1>;
}

function Console(): ReactNode {
  const route = useRoute();
  useEffect(() => startLive(), []);
  useEffect(() => startHealthPolling(), []);
  useEffect(() => startRedisFallback(), []);
  useEffect(() => {
    document.title = `${routeTitle(route)} · Supply Chain Event Tracker`;
  }, [route]);
  return (
    <div className="app">
      <Nav route={route} />
      <header className="topbar">
        <Breadcrumb route={route} />
        <span className="toolbar__spacer" />
        <EntityLookup />
        <LiveIndicator />
        <SignedIn />
      </header>
      <main className="main" id="main">
        <OutageBanner />
        <Screen route={route} />
      </main>
      <HealthStrip />
    </div>
  );
}

/** Root component. */
export function App(): ReactNode {
  const state = useConnection((s) => s.state);
  useEffect(() => {
    if (useConnection.getState().state.phase === 'starting') void useConnection.getState().start();
  }, []);
  useEffect(() => watchTokenLinks(), []);
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
      return <Console key={state.epoch} />;
  }
}
