/**
 * Header "go to id" box: looks an id up with `GET /api/lookup/:entityId` and opens the order or
 * shipment it names (there is no shipments list, so this is how an operator reaches a parcel).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { entityIdSchema } from '../../../contracts/events';
import { ApiRequestError, lookupEntity } from '../api/client';
import { hrefs } from '../router/hash';
import { navigate } from '../router/useRoute';

/** The lookup form (`data-testid="lookup-input"`). */
export function EntityLookup(): ReactNode {
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const id = value.trim();
    if (!id) return;
    if (!entityIdSchema.safeParse(id).success) {
      setMessage('Ids use letters, digits and . _ : -');
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const found = await lookupEntity(id);
      navigate(
        found.kind === 'order' ? hrefs.order(found.order.orderId) : hrefs.shipment(found.shipment.shipmentId),
      );
      setValue('');
    } catch (err) {
      setMessage(
        err instanceof ApiRequestError && err.status === 404
          ? `No order or shipment “${id}”`
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="lookup" onSubmit={(e) => void submit(e)} role="search">
      <input
        className="input input--mono lookup__input"
        type="search"
        placeholder="Go to order or shipment id…"
        aria-label="Go to order or shipment id"
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          setMessage(null);
        }}
        data-testid="lookup-input"
        spellCheck={false}
        autoComplete="off"
      />
      <button type="submit" className="btn btn--small" disabled={busy || !value.trim()}>
        Go
      </button>
      {message && (
        <span className="lookup__message" role="status">
          {message}
        </span>
      )}
    </form>
  );
}
