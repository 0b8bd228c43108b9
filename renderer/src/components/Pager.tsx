/**
 * The pager under a paged list: "51–100 of 1,234", previous / next and "Page 2 / 25". Shown only
 * when there is more than one page.
 */
import type { ReactNode } from 'react';
import { formatCount } from '../lib/format';

/** Pager for a 1-based `page` of `pageSize` rows out of `total`; `onPage` gets the new page. */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
  testId,
}: {
  page: number;
  pageSize: number;
  total: number | null;
  onPage: (page: number) => void;
  testId: string;
}): ReactNode {
  if (total === null || total <= pageSize) return null;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <div className="pager" data-testid={testId}>
      <span className="muted num">
        {formatCount((page - 1) * pageSize + 1)}–{formatCount(Math.min(total, page * pageSize))} of{' '}
        {formatCount(total)}
      </span>
      <span className="toolbar__spacer" />
      <div className="btn-group">
        <button
          type="button"
          className="btn btn--small"
          disabled={page <= 1}
          onClick={() => onPage(page - 1)}
        >
          ‹ Prev
        </button>
        <span className="pager__page num">
          Page {formatCount(page)} / {formatCount(pages)}
        </span>
        <button
          type="button"
          className="btn btn--small"
          disabled={page >= pages}
          onClick={() => onPage(page + 1)}
        >
          Next ›
        </button>
      </div>
    </div>
  );
}
