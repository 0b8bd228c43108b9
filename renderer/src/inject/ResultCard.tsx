import type { ReactNode } from 'react';
import type { InjectResult } from '../../../contracts/api';
import { entityOfType, type EventType } from '../../../contracts/events';
import { DrillBadge } from '../components/Badges';
import { hrefs } from '../router/hash';

/** An event Kafka accepted (or the outbox queued): where it was stored and what was sent. */
export interface Accepted {
  result: InjectResult;
  type: EventType;
  subject: string;
  drillid: string | null;
  data: Record<string, unknown>;
}

/**
 * An event the core kept in its offline outbox (Kafka unreachable): queued, sent in order when
 * Kafka is back; links to the queued-injections view.
 */
function QueuedCard({ accepted }: { accepted: Accepted }): ReactNode {
  const { result, drillid } = accepted;
  return (
    <div
      className="notice notice--warn"
      data-testid="inject-result"
      data-queued="true"
      data-outbox-entry={result.outboxEntryId ?? ''}
      role="status"
    >
      <div className="notice__title">
        Queued — will be sent when Kafka is back {drillid && <DrillBadge drillId={drillid} />}
      </div>
      <div>
        Kafka could not be reached, so the console kept this event on this machine. It goes to{' '}
        <span className="mono">{result.topic}</span> (partition {result.partition}) in order, once, as soon as
        Kafka answers, also after a restart of the console.
      </div>
      <dl className="kvs kvs--inline">
        <div className="kv">
          <dt>Event id</dt>
          <dd className="mono">{result.id}</dd>
        </div>
      </dl>
      <div className="notice__links">
        <a href={hrefs.outbox()} data-testid="inject-outbox-link">
          See queued injections →
        </a>
      </div>
    </div>
  );
}

/**
 * Where Kafka stored an accepted event (topic, partition, offset, id), with links to its entity
 * and to the order or shipment its data names; or, for an event kept in the offline outbox, that
 * it is queued.
 */
export function ResultCard({ accepted }: { accepted: Accepted }): ReactNode {
  if (accepted.result.queued) return <QueuedCard accepted={accepted} />;
  const { result, type, subject, drillid, data } = accepted;
  const entity = entityOfType(type);
  const related: { label: string; href: string }[] = [];
  if (typeof data.shipmentId === 'string')
    related.push({ label: `shipment ${data.shipmentId}`, href: hrefs.shipment(data.shipmentId) });
  if (typeof data.orderId === 'string')
    related.push({ label: `order ${data.orderId}`, href: hrefs.order(data.orderId) });
  return (
    <div
      className="notice notice--ok"
      data-testid="inject-result"
      data-topic={result.topic}
      data-partition={result.partition}
      data-offset={result.offset}
      role="status"
    >
      <div className="notice__title">Accepted by Kafka {drillid && <DrillBadge drillId={drillid} />}</div>
      <dl className="kvs kvs--inline">
        <div className="kv">
          <dt>Topic</dt>
          <dd className="mono">{result.topic}</dd>
        </div>
        <div className="kv">
          <dt>Partition</dt>
          <dd className="mono">{result.partition}</dd>
        </div>
        <div className="kv">
          <dt>Offset</dt>
          <dd className="mono">{result.offset}</dd>
        </div>
        <div className="kv">
          <dt>Event id</dt>
          <dd className="mono">{result.id}</dd>
        </div>
      </dl>
      <div className="notice__links">
        <a
          href={entity === 'order' ? hrefs.order(subject) : hrefs.shipment(subject)}
          data-testid="inject-entity-link"
        >
          Open {entity} <span className="mono">{subject}</span> →
        </a>
        {related.map((r) => (
          <a key={r.href} href={r.href}>
            Open {r.label} →
          </a>
        ))}
        <span className="muted small">Workers apply it asynchronously; the pages update live.</span>
      </div>
    </div>
  );
}
