/**
 * Settings: Kafka brokers, PostgreSQL URL, Redis URL, topic prefix, site time zone and the default
 * theme, each with where its value comes from (environment, settings file, default), a *Test
 * connection* button with one result per service (reached with version and latency, or the error
 * in plain words with the fix), and on the desktop *Save* (passwords go to the OS keychain; the
 * core then restarts its connections and workers). Headless, the settings are shown read-only.
 * Passwords never reach this page: URLs arrive with `***`, and a URL sent back with `***` keeps
 * the stored password. Also shown on the connection screen, before the console can start.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  DISPLAY_THEMES,
  SERVICE_LABELS,
  SETTING_LABELS,
  type EditableSettingKey,
  type EditableSettings,
  type ServiceProbe,
  type SettingsView,
} from '../../../contracts/settings';
import { roleCan } from '../../../contracts/auth';
import { ErrorNotice, Loading } from '../components/Notice';
import {
  fieldEditable,
  formFromSettings,
  settingsFromForm,
  sourceText,
  type SettingsFormErrors,
  type SettingsFormValues,
} from '../lib/settingsForm';
import { useSaveSettings, useSettings, useTestConnection } from '../query/settings';
import { useAbilities } from '../state/access';
import { useTheme } from '../state/theme';

/** IANA zones this browser knows, for the time zone field's suggestions. */
function knownZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

const THEME_LABELS: Record<EditableSettings['display']['theme'], string> = {
  system: 'Follow the system',
  light: 'Light',
  dark: 'Dark',
};

const HINTS: Partial<Record<EditableSettingKey, string>> = {
  kafkaBrokers: 'host:port, comma-separated',
  databaseUrl: 'postgres://user:password@host:5432/database',
  redisUrl: 'redis://[user:password@]host:6379/0 — optional: the console works without Redis',
  topicPrefix: 'prefix of topics, consumer groups and Redis keys',
  siteTimeZone: 'IANA zone, e.g. America/Sao_Paulo',
  display: 'the console’s theme unless an operator picks one in the header',
};

/** One result row of *Test connection* (`settings-test-<service>`). */
function ProbeRow({ probe }: { probe: ServiceProbe }): ReactNode {
  return (
    <tr data-testid={`settings-test-${probe.name}`} data-reached={probe.reached}>
      <th scope="row">{SERVICE_LABELS[probe.name]}</th>
      <td className="mono settings-test__addr">{probe.address}</td>
      <td>
        {probe.reached ? (
          <span className="chip chip--ok">reached</span>
        ) : (
          <span className="chip chip--danger">not reachable</span>
        )}
      </td>
      <td>
        {probe.reached ? (
          <>
            {probe.version}
            {probe.latencyMs !== null && <span className="muted"> · {probe.latencyMs} ms</span>}
          </>
        ) : (
          <span className="text-bad">{probe.error}</span>
        )}
      </td>
    </tr>
  );
}

/** A text field of the form with its label, source, hint and error. */
function Field({
  id,
  view,
  form,
  errors,
  onChange,
  list,
}: {
  id: Exclude<EditableSettingKey, 'display'>;
  view: SettingsView;
  form: SettingsFormValues;
  errors: SettingsFormErrors;
  onChange: (key: Exclude<EditableSettingKey, 'display'>, value: string) => void;
  list?: string;
}): ReactNode {
  const editable = fieldEditable(view, id);
  const error = errors[id];
  return (
    <div className="form-row">
      <label className="form-row__label" htmlFor={`settings-${id}`}>
        {SETTING_LABELS[id]}
      </label>
      <div className="form-row__control">
        <input
          id={`settings-${id}`}
          className={`input input--mono${error ? ' input--invalid' : ''}`}
          value={form[id]}
          readOnly={!editable}
          aria-readonly={!editable}
          aria-invalid={Boolean(error)}
          aria-describedby={`settings-${id}-hint`}
          spellCheck={false}
          autoComplete="off"
          list={list}
          onChange={(e) => onChange(id, e.target.value)}
          data-testid={`settings-${id}`}
        />
        {error && (
          <span className="field-error" data-testid={`settings-${id}-error`}>
            {SETTING_LABELS[id]}: {error}
          </span>
        )}
        <span className="form-row__hint" id={`settings-${id}-hint`}>
          <span className="settings__source" data-testid={`settings-${id}-source`}>
            {sourceText(id, view.sources[id])}
          </span>{' '}
          {HINTS[id]}
          {id === 'databaseUrl' && view.writable && view.secretStorage === 'keychain'
            ? ' — a password is kept in the OS keychain'
            : ''}
        </span>
      </div>
    </div>
  );
}

/** The settings form over a loaded view. */
function SettingsForm({ view }: { view: SettingsView }): ReactNode {
  const [form, setForm] = useState(() => formFromSettings(view.values));
  const [errors, setErrors] = useState<SettingsFormErrors>({});
  const test = useTestConnection();
  const save = useSaveSettings();
  const { role } = useAbilities();
  const mayConfigure = roleCan(role, 'configure');
  const zones = knownZones();

  // A save answered new values: start from them (adjusted while rendering, not in an effect).
  const [shownValues, setShownValues] = useState(view.values);
  if (shownValues !== view.values) {
    setShownValues(view.values);
    setForm(formFromSettings(view.values));
  }

  const change = (key: keyof SettingsFormValues, value: string): void => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key === 'theme' ? 'display' : key]: undefined }));
  };
  const checked = (): EditableSettings | null => {
    const result = settingsFromForm(form);
    if (!result.ok) {
      setErrors(result.errors);
      return null;
    }
    setErrors({});
    return result.settings;
  };
  const onTest = (): void => {
    const settings = checked();
    if (settings) test.mutate(settings);
  };
  const onSave = (e: FormEvent): void => {
    e.preventDefault();
    const settings = checked();
    if (!settings || !view.writable) return;
    save.mutate(settings, {
      onSuccess: (saved) => {
        // The default theme applies at once where the operator has not picked one.
        useTheme.getState().setDefault(saved.settings.values.display.theme);
      },
    });
  };

  return (
    <form className="screen settings" onSubmit={onSave} noValidate data-testid="settings-screen">
      {!view.writable && (
        <div className="notice" role="status" data-testid="settings-read-only">
          <div className="notice__title">Read-only here</div>
          <div>{view.readOnlyReason}</div>
        </div>
      )}
      {view.writable && view.secretStorage === 'none' && (
        <div className="notice" role="status">
          This machine has no OS keychain: settings without passwords can be saved; a password must be given
          in the environment (DATABASE_URL, REDIS_URL).
        </div>
      )}
      <fieldset className="form-section">
        <legend>Stack</legend>
        <Field id="kafkaBrokers" view={view} form={form} errors={errors} onChange={change} />
        <Field id="databaseUrl" view={view} form={form} errors={errors} onChange={change} />
        <Field id="redisUrl" view={view} form={form} errors={errors} onChange={change} />
        <Field id="topicPrefix" view={view} form={form} errors={errors} onChange={change} />
      </fieldset>
      <fieldset className="form-section">
        <legend>Site and display</legend>
        <Field
          id="siteTimeZone"
          view={view}
          form={form}
          errors={errors}
          onChange={change}
          list="settings-zones"
        />
        <datalist id="settings-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <div className="form-row">
          <label className="form-row__label" htmlFor="settings-theme">
            Theme
          </label>
          <div className="form-row__control">
            <select
              id="settings-theme"
              className="input"
              value={form.theme}
              disabled={!fieldEditable(view, 'display')}
              onChange={(e) => change('theme', e.target.value)}
              data-testid="settings-theme"
            >
              {DISPLAY_THEMES.map((t) => (
                <option key={t} value={t}>
                  {THEME_LABELS[t]}
                </option>
              ))}
            </select>
            <span className="form-row__hint">
              <span className="settings__source">{sourceText('display', view.sources.display)}</span>{' '}
              {HINTS.display}
            </span>
          </div>
        </div>
      </fieldset>
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          onClick={onTest}
          disabled={test.isPending || !mayConfigure}
          title={mayConfigure ? undefined : 'Only the machine owner may test connections'}
          data-testid="settings-test"
        >
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        {view.writable && (
          <button
            type="submit"
            className="btn btn--primary"
            disabled={save.isPending || !mayConfigure}
            data-testid="settings-save"
          >
            {save.isPending ? 'Saving…' : 'Save and reconnect'}
          </button>
        )}
      </div>
      {test.error && <ErrorNotice error={test.error} title="The test could not run" />}
      {save.error && <ErrorNotice error={save.error} title="Not saved" />}
      {save.isSuccess && (
        <div className="notice notice--ok" role="status" data-testid="settings-saved">
          Saved. The console is reconnecting with the new settings.
        </div>
      )}
      {test.data && (
        <section className="panel" aria-labelledby="settings-test-title" data-testid="settings-test-results">
          <div className="panel__header">
            <h2 id="settings-test-title">Connection test</h2>
            <span className="muted">
              {test.data.results.filter((r) => r.reached).length} of {test.data.results.length} reached
            </span>
          </div>
          <div className="table-scroll">
            <table className="table settings-test">
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Address</th>
                  <th scope="col">Result</th>
                  <th scope="col">Version and latency, or what failed</th>
                </tr>
              </thead>
              <tbody>
                {test.data.results.map((p) => (
                  <ProbeRow key={p.name} probe={p} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </form>
  );
}

/** The settings screen (`settings-screen`). */
export function Settings(): ReactNode {
  const settings = useSettings();
  if (settings.error) return <ErrorNotice error={settings.error} onRetry={() => void settings.refetch()} />;
  if (!settings.data) return <Loading label="Loading the settings…" />;
  return <SettingsForm view={settings.data} />;
}
