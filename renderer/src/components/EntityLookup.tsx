/**
 * Header search (`/` focuses it): opens the order or shipment with the exact id typed, else the
 * order whose id starts with it, or lists the first few orders that do (server-side prefix
 * search; lib/entitySearch.ts).
 */
import { useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';
import { entityIdSchema } from '../../../contracts/events';
import { formatCount } from '../lib/format';
import { useEntitySearch } from '../query/mutations';
import { hrefs } from '../router/hash';
import { navigate } from '../router/useRoute';

/** Id of the search box, for the `/` shortcut (lib/shortcuts.ts). */
export const SEARCH_INPUT_ID = 'global-search';

/** Up to this width the header is crowded (badges at 1280 px): the search box is narrower. */
const NARROW_QUERY = '(max-width: 1500px)';

function subscribeNarrow(onChange: () => void): () => void {
  if (typeof matchMedia !== 'function') return () => {};
  const query = matchMedia(NARROW_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

const isNarrow = (): boolean => typeof matchMedia === 'function' && matchMedia(NARROW_QUERY).matches;

/** The search form (`data-testid="lookup-input"`). */
export function EntityLookup(): ReactNode {
  const [value, setValue] = useState('');
  // A placeholder that fits the narrower box (the aria-label says it all either way).
  const narrow = useSyncExternalStore(subscribeNarrow, isNarrow);
  /** The local refusal of a malformed id (nothing is sent then). */
  const [invalid, setInvalid] = useState<string | null>(null);
  const search = useEntitySearch();
  const busy = search.isPending;
  const outcome = search.data;
  const message =
    invalid ??
    (search.error
      ? search.error.message
      : outcome?.kind === 'none'
        ? `No order or shipment id starts with “${search.variables}”`
        : null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const id = value.trim();
    if (!id) return;
    search.reset();
    if (!entityIdSchema.safeParse(id).success) {
      setInvalid('Ids use letters, digits and . _ : -');
      return;
    }
    setInvalid(null);
    search.mutate(id, {
      onSuccess: (found) => {
        if (found.kind !== 'open') return;
        navigate(
          'order' in found.target ? hrefs.order(found.target.order) : hrefs.shipment(found.target.shipment),
        );
        setValue('');
      },
    });
  };

  return (
    <form className="lookup" onSubmit={submit} role="search" aria-label="Go to an order or shipment">
      <input
        id={SEARCH_INPUT_ID}
        className="input input--mono lookup__input"
        type="search"
        placeholder={narrow ? 'Go to id…  ( / )' : 'Go to id or id prefix…  ( / )'}
        aria-label="Order or shipment id, or the start of an order, customer, shipment or tracking id"
        aria-keyshortcuts="/"
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          setInvalid(null);
          search.reset();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            search.reset();
            e.currentTarget.blur();
          }
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
      {outcome?.kind === 'pick' && (
        <div className="lookup__matches" data-testid="lookup-matches">
          <div className="muted small" role="status">
            {/* The search matches the start of four ids: say so, or a customer match looks wrong. */}
            {formatCount(outcome.total)} orders match “{search.variables}” (order, customer, shipment or
            tracking id)
            {outcome.total > outcome.orderIds.length ? `; the ${outcome.orderIds.length} newest:` : ':'}
          </div>
          <ul aria-label="Matching orders">
            {outcome.orderIds.map((id) => (
              <li key={id}>
                <a
                  className="mono"
                  href={hrefs.order(id)}
                  onClick={() => {
                    search.reset();
                    setValue('');
                  }}
                >
                  {id}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
