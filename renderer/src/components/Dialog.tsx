/**
 * A small modal dialog: `role="dialog"` with `aria-modal`, labelled by its title and described by
 * its description; focus moves into it on open (the element marked `data-autofocus`, else the first
 * focusable one), Tab and Shift+Tab stay inside it, Escape cancels, and focus returns to the
 * element that opened it when it closes. A click on the backdrop does not cancel (an operator
 * typing a reason should not lose it to a stray click).
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The modal dialog (`testId` on the dialog element). */
export function Dialog({
  title,
  description,
  children,
  onCancel,
  testId,
  tone,
}: {
  title: ReactNode;
  /** What the dialog is about (its accessible description). */
  description: ReactNode;
  children: ReactNode;
  /** Escape (disabled while `onCancel` is null, e.g. during a request). */
  onCancel: (() => void) | null;
  testId?: string;
  /** `warn` draws the amber edge of a confirmation. */
  tone?: 'warn';
}): ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const box = ref.current;
    const first =
      box?.querySelector<HTMLElement>('[data-autofocus]') ?? box?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    return () => opener?.focus();
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onCancel?.();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        ref={ref}
        className={`dialog${tone === 'warn' ? ' dialog--warn' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <h2 className="dialog__title" id={titleId}>
          {title}
        </h2>
        <p className="dialog__description" id={bodyId}>
          {description}
        </p>
        {children}
      </div>
    </div>
  );
}
