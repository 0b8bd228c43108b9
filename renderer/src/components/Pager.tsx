/**
 * The pager under a paged list: "51–100 of 1,234", previous / next and "Page 2 / 25". Shown only
 * when there is more than one page. A `capped` total is a lower bound ("of 1,000+", "Page 2 /
 * 20+"): Next stays open past it while pages come back full.
 */
import type { ReactNode } from 'react';
import { formatCount } from '../lib/format';

/**
 * Pager for a 1-based `page` of `pageSize` rows out of `total`; `onPage` gets the new page.
 * `capped`: `total` is a lower bound, and `shown` (rows on this page) tells whether more follow.
 */
export function Pager({
  page,
  pageSize,
  total,
  capped = false,
  shown,
  onPage,
  testId,
}: {
  page: number;
  pageSize: number;
  total: number | null;
  capped?: boolean;
  shown?: number;
  onPage: (page: number) => void;
  testId: string;
}): ReactNode {
  if (total === null || (total <= pageSize && !capped)) return null;
  const more = capped ? '+' : '';
  const pages = Math.max(1, Math.ceil(total / pageSize));
  // Past a capped total, the page is full (more may follow) or the last one.
  const last = capped ? shown !== undefined && shown < pageSize : page >= pages;
  const end = capped ? (page - 1) * pageSize + (shown ?? pageSize) : Math.min(total, page * pageSize);
  return (
    <div className="pager" data-testid={testId}>
      <span className="muted num">
        {formatCount((page - 1) * pageSize + 1)}–{formatCount(end)} of{' '}
        {formatCount(capped ? Math.max(total, end) : total)}
        {more}
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
          Page {formatCount(page)} / {formatCount(Math.max(pages, page))}
          {more}
        </span>
        <button type="button" className="btn btn--small" disabled={last} onClick={() => onPage(page + 1)}>
          Next ›
        </button>
      </div>
    </div>
  );
}
