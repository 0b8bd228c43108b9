/** Loading, empty and error states shared by the screens. */
import type { ReactNode } from 'react';
import { ApiRequestError } from '../api/errors';

/**
 * A failed request: the server's message and code (or the network problem), with a retry button.
 * A 403 (the signed-in role may not do this) is titled as such unless the caller gives a title.
 */
export function ErrorNotice({
  error,
  onRetry,
  title,
}: {
  error: Error;
  onRetry?: () => void;
  title?: string;
}): ReactNode {
  const api = error instanceof ApiRequestError ? error : null;
  return (
    <div className="notice notice--error" role="alert" data-testid="error-notice">
      <div className="notice__title">
        {title ??
          (api?.status === 404
            ? 'Not found'
            : api?.status === 403
              ? 'Not allowed for your role'
              : 'Request failed')}
      </div>
      <div>{error.message}</div>
      {api && (
        <div className="notice__meta mono">
          {api.status > 0 ? `HTTP ${api.status} · ` : ''}
          {api.code}
        </div>
      )}
      {onRetry && (
        <button type="button" className="btn btn--small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** A quiet placeholder while the first answer is loading. */
export function Loading({ label = 'Loading…' }: { label?: string }): ReactNode {
  return (
    <div className="placeholder" aria-busy="true">
      {label}
    </div>
  );
}

/** An empty state. */
export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <div className="placeholder">{children}</div>;
}

/** True when `error` is an API 404. */
export function isNotFound(error: Error | null): boolean {
  return error instanceof ApiRequestError && error.status === 404;
}
