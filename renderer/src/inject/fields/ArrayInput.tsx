import type { ReactNode } from 'react';
import type { DisplayIssue } from '../../lib/issueWording';
import { dataPath, emptyRow, type ArrayField, type RowValues } from '../formModel';
import { describedBy } from './domIds';
import { FieldErrors } from './FieldErrors';
import { ScalarInput } from './ScalarInput';

/**
 * An array field of an event's data (order lines, ...) as a table: one row of compact inputs per
 * item, with add and remove buttons within the field's item limits, and the errors of each cell,
 * row and of the whole array (`byPath`: issues by input path).
 */
export function ArrayInput({
  field,
  rows,
  byPath,
  onChange,
}: {
  field: ArrayField;
  rows: RowValues[];
  byPath: Map<string, DisplayIssue[]>;
  onChange(rows: RowValues[]): void;
}): ReactNode {
  const canAdd = field.maxItems === undefined || rows.length < field.maxItems;
  const canRemove = rows.length > field.minItems;
  const setCell = (index: number, key: string, value: string): void =>
    onChange(rows.map((r, i) => (i === index ? { ...r, [key]: value } : r)));
  const singular = field.label.replace(/s$/, '').toLowerCase();
  return (
    <div className="form-row" data-field={dataPath(field.key)}>
      <div className="form-row__label">
        {field.label}
        {field.required ? (
          <span className="req" aria-label="required">
            *
          </span>
        ) : (
          <span className="opt">optional</span>
        )}
      </div>
      <div className="form-row__control">
        <table className="rows-table" data-testid={`inject-array-${field.key}`}>
          <thead>
            <tr>
              <th className="rows-table__idx">#</th>
              {field.item.map((f) => (
                <th
                  key={f.key}
                  className={f.kind === 'integer' || f.kind === 'number' ? 'rows-table__num' : undefined}
                >
                  {f.label}
                  {f.required && <span className="req">*</span>}
                </th>
              ))}
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} data-row={i}>
                <td className="rows-table__idx num muted">{i + 1}</td>
                {field.item.map((f) => {
                  const path = dataPath(field.key, i, f.key);
                  const issues = byPath.get(path);
                  return (
                    <td key={f.key}>
                      <ScalarInput
                        field={f}
                        path={path}
                        value={row[f.key] ?? ''}
                        invalid={!!issues}
                        describedBy={describedBy(path, false, issues)}
                        onChange={(v) => setCell(i, f.key, v)}
                        compact
                      />
                      <FieldErrors path={path} issues={issues} />
                    </td>
                  );
                })}
                <td className="rows-table__actions">
                  <button
                    type="button"
                    className="btn btn--small btn--ghost"
                    onClick={() => onChange(rows.filter((_, j) => j !== i))}
                    disabled={!canRemove}
                    aria-label={`Remove ${singular} ${i + 1}`}
                    data-testid={`inject-remove-${field.key}`}
                  >
                    Remove
                  </button>
                  <FieldErrors path={dataPath(field.key, i)} issues={byPath.get(dataPath(field.key, i))} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="rows-table__footer">
          <button
            type="button"
            className="btn btn--small"
            onClick={() => onChange([...rows, emptyRow(field)])}
            disabled={!canAdd}
            data-testid={`inject-add-${field.key}`}
          >
            + Add {singular}
          </button>
          {field.hint && <span className="form-row__hint">{field.hint}</span>}
        </div>
        <FieldErrors path={dataPath(field.key)} issues={byPath.get(dataPath(field.key))} />
      </div>
    </div>
  );
}
