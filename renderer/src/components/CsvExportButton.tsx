/**
 * The *Export CSV* button of a filtered list (orders, audit log): runs the download the screen
 * gives it (every row of the filter, not just the loaded page), shows "Exporting…" while it runs
 * and the error in plain words when it fails (`<testId>-error`).
 */
import { useState, type ReactNode } from 'react';

export function CsvExportButton({
  download,
  testId,
  title,
}: {
  /** Fetches and saves the CSV (its answer is not used); rejects with an Error whose message is shown. */
  download: () => Promise<unknown>;
  /** `data-testid` of the button; the error is `<testId>-error`. */
  testId: string;
  /** The button's tooltip: what the file holds. */
  title: string;
}): ReactNode {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const run = (): void => {
    setState({ busy: true, error: null });
    download().then(
      () => setState({ busy: false, error: null }),
      (err: unknown) => setState({ busy: false, error: err instanceof Error ? err.message : String(err) }),
    );
  };
  return (
    <>
      <button
        type="button"
        className="btn btn--small"
        onClick={run}
        disabled={state.busy}
        data-testid={testId}
        title={title}
      >
        {state.busy ? 'Exporting…' : 'Export CSV'}
      </button>
      {state.error && (
        <span className="field-error" role="alert" data-testid={`${testId}-error`}>
          {state.error}
        </span>
      )}
    </>
  );
}
