/**
 * Header "go to id" box: looks an id up with `GET /api/lookup/:entityId` and opens the order or
 * shipment it names (there is no shipments list, so this is how an operator reaches a parcel).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { entityIdSchema } from '../../../contracts/events';
import { ApiRequestError } from '../api/errors';
import { useEntityLookup } from '../query/mutations';
import { hrefs } from '../router/hash';
import { navigate } from '../router/useRoute';

/** The lookup form (`data-testid="lookup-input"`). */
export function EntityLookup(): ReactNode {
  const [value, setValue] = useState('');
  /** The local refusal of a malformed id (nothing is sent then). */
  const [invalid, setInvalid] = useState<string | null>(null);
  const lookup = useEntityLookup();
  const busy = lookup.isPending;
  const failed = lookup.error;
  const message =
    invalid ??
    (failed === null
      ? null
      : failed instanceof ApiRequestError && failed.status === 404
        ? `No order or shipment “${lookup.variables}”`
        : failed.message);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const id = value.trim();
    if (!id) return;
    lookup.reset();
    if (!entityIdSchema.safeParse(id).success) {
      setInvalid('Ids use letters, digits and . _ : -');
      return;
    }
    setInvalid(null);
    lookup.mutate(id, {
      onSuccess: (found) => {
        navigate(
          found.kind === 'order'
            ? hrefs.order(found.order.orderId)
            : hrefs.shipment(found.shipment.shipmentId),
        );
        setValue('');
      },
    });
  };

  return (
    <form className="lookup" onSubmit={submit} role="search">
      <input
        className="input input--mono lookup__input"
        type="search"
        placeholder="Go to order or shipment id…"
        aria-label="Go to order or shipment id"
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          setInvalid(null);
          lookup.reset();
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
