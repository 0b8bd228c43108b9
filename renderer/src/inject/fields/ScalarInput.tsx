/**
 * The input of one scalar field of an event's data, chosen by the field's kind: a select for
 * enums and yes/no, number, date and local date-time inputs, a textarea for JSON, and a text
 * input (with the time-zone list for a time-zone field). Compact inputs (in an array's table)
 * carry their label as `aria-label`.
 */
import type { ReactNode } from 'react';
import type { ScalarField } from '../formModel';
import { inputId } from './domIds';

/** The IANA time zones this browser knows (for the time-zone fields' list), read once. */
let timeZoneList: string[] | null = null;
function timeZones(): string[] {
  if (!timeZoneList) {
    try {
      timeZoneList = Intl.supportedValuesOf('timeZone');
    } catch {
      timeZoneList = ['UTC'];
    }
  }
  return timeZoneList;
}

export interface ScalarInputProps {
  field: ScalarField;
  path: string;
  value: string;
  invalid: boolean;
  /** Ids of the hint and errors describing this input. */
  describedBy: string | undefined;
  onChange(value: string): void;
  compact?: boolean;
}

/** The input showing `value` at `path`; `onChange` gets the new text. */
export function ScalarInput({
  field,
  path,
  value,
  invalid,
  describedBy,
  onChange,
  compact,
}: ScalarInputProps): ReactNode {
  const common = {
    id: inputId(path),
    name: path,
    'data-field': path,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    'aria-label': compact ? field.label : undefined,
    className: `input${invalid ? ' input--invalid' : ''}`,
  };
  switch (field.kind) {
    case 'enum':
      return (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? 'choose…' : '(none)'}</option>
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'boolean':
      return (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? 'choose…' : '(none)'}</option>
          <option value="true">yes</option>
          <option value="false">no</option>
        </select>
      );
    case 'integer':
    case 'number':
      return (
        <input
          {...common}
          className={`${common.className} num`}
          type="number"
          inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
          step={field.kind === 'integer' ? 1 : 'any'}
          min={field.minimum}
          max={field.maximum}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'date':
      return (
        <input
          {...common}
          className={`${common.className} num`}
          type="date"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'datetime':
      return (
        <input
          {...common}
          className={`${common.className} num`}
          type="datetime-local"
          step={1}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'json':
      return (
        <textarea
          {...common}
          className={`${common.className} input--mono`}
          rows={3}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          spellCheck={false}
        />
      );
    case 'text': {
      const isZone = /time zone/i.test(field.label);
      const isId = field.label.endsWith(' ID') || field.label === 'SKU';
      const listId = isZone ? 'inj-time-zones' : field.suggestions ? `${common.id}-suggestions` : undefined;
      return (
        <>
          <input
            {...common}
            className={`${common.className}${isId || isZone || field.suggestions ? ' input--mono' : ''}`}
            type="text"
            value={value}
            onChange={(e) => onChange(e.target.value)}
            list={listId}
            spellCheck={false}
            autoComplete="off"
          />
          {isZone && (
            <datalist id="inj-time-zones">
              {timeZones().map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          )}
          {field.suggestions && listId && (
            <datalist id={listId} data-testid="field-suggestions">
              {field.suggestions.map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
          )}
        </>
      );
    }
  }
}
