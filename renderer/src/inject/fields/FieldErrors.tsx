import type { ReactNode } from 'react';
import { issueTooltip, type DisplayIssue } from '../../lib/issueWording';
import { errorsId } from './domIds';

/** The errors of one input (`id` = {@link errorsId}, referenced by the input's `aria-describedby`). */
export function FieldErrors({
  path,
  issues,
}: {
  path: string;
  issues: DisplayIssue[] | undefined;
}): ReactNode {
  if (!issues || issues.length === 0) return null;
  return (
    <div id={errorsId(path)} className="field-errors">
      {issues.map((issue, i) => (
        <div
          key={`${issue.field}:${i}`}
          className="field-error"
          data-testid="field-error"
          data-field={issue.field}
          data-rule={issue.rule}
          title={issueTooltip(issue)}
        >
          {issue.message}
        </div>
      ))}
    </div>
  );
}
