/**
 * File downloads from the API (routes whose row is a `text/csv` stream, contracts/routes.ts): the
 * answer is fetched with the bearer token of the connection in use (a plain link cannot carry it)
 * and handed to the browser as a file through an object URL.
 */
import type { OrderExportQuery } from '../../../contracts/api';
import type { AuditExportQuery } from '../../../contracts/audit';
import { apiRoute } from '../../../contracts/routes';
import { activeConnection, errorText, tokenRefused } from './connection';
import { ApiRequestError } from './errors';
import { toQueryString } from './http';

/** The query of the orders export as the console sets it (the server applies the defaults). */
export type OrdersExportQuery = Partial<OrderExportQuery>;

/** The file name the server proposes (`content-disposition`), or `fallback`. */
function fileNameOf(res: Response, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return match?.[1] ?? fallback;
}

/** Routes that answer a CSV download. */
export type CsvRouteKey = 'GET /api/orders/export.csv' | 'GET /api/audit/export.csv';

/**
 * Downloads the CSV a `text/csv` route answers for `query`, as a file named by the server.
 * @returns the file name the browser saves
 * @throws ApiRequestError when not connected, the API is unreachable or answers an error
 */
export async function downloadCsv(key: CsvRouteKey, query: object, fallbackName: string): Promise<string> {
  const conn = activeConnection();
  if (!conn)
    throw new ApiRequestError(0, { error: 'not_connected', message: 'The console is not connected yet.' });
  const path = apiRoute(key).path;
  const url = `${conn.baseUrl}${path}${toQueryString(query as Parameters<typeof toQueryString>[0])}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { Authorization: `Bearer ${conn.token}`, Accept: 'text/csv' },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (err) {
    throw new ApiRequestError(0, {
      error: 'network_error',
      message: `Cannot reach the API (${errorText(err)}).`,
    });
  }
  if (res.status === 401) tokenRefused(conn);
  if (!res.ok)
    throw new ApiRequestError(res.status, {
      error: `http_${res.status}`,
      message: `The export failed: ${res.status} ${res.statusText}`,
    });
  return saveBlob(await res.blob(), fileNameOf(res, fallbackName));
}

/**
 * Hands `blob` to the browser as a download named `name` (also used for files the console makes
 * itself, e.g. a drill report). @returns `name`
 */
export function saveBlob(blob: Blob, name: string): string {
  const href = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // The click has handed the blob to the download; the URL is no longer needed after this task.
    setTimeout(() => URL.revokeObjectURL(href), 0);
  }
  return name;
}

/**
 * Downloads every order of a filter as CSV (`GET /api/orders/export.csv`).
 * @returns the file name the browser saves
 * @throws ApiRequestError when not connected, the API is unreachable or answers an error
 */
export async function downloadOrdersCsv(query: OrdersExportQuery): Promise<string> {
  return downloadCsv('GET /api/orders/export.csv', query, 'orders.csv');
}

/**
 * Downloads every audit entry of the audit filters as CSV (`GET /api/audit/export.csv`).
 * @returns the file name the browser saves
 * @throws ApiRequestError when not connected, the API is unreachable or answers an error
 */
export async function downloadAuditCsv(query: Partial<AuditExportQuery>): Promise<string> {
  return downloadCsv('GET /api/audit/export.csv', query, 'audit.csv');
}
