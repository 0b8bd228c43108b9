import type { ReactNode } from 'react';
import type { DisplayIssue } from '../../lib/issueWording';
import { hintId, inputId } from './domIds';
import { FieldErrors } from './FieldErrors';

/**
 * One labelled row of the form: the label (with required or optional), the input (`children`),
 * its hint and its errors.
 */
export function FieldRow({
  label,
  path,
  required,
  hint,
  children,
  issues,
}: {
  label: string;
  /** Path of the input this row shows (its id is {@link inputId}). */
  path: string;
  required: boolean;
  hint?: ReactNode;
  children: ReactNode;
  issues: DisplayIssue[] | undefined;
}): ReactNode {
  return (
    <div className={`form-row${issues && issues.length > 0 ? ' form-row--invalid' : ''}`}>
      <label className="form-row__label" htmlFor={inputId(path)}>
        {label}
        {required ? (
          <span className="req" aria-label="required">
            *
          </span>
        ) : (
          <span className="opt">optional</span>
        )}
      </label>
      <div className="form-row__control">
        {children}
        {hint && (
          <div className="form-row__hint" id={hintId(path)}>
            {hint}
          </div>
        )}
        <FieldErrors path={path} issues={issues} />
      </div>
    </div>
  );
}
