/**
 * The settings screen's form model: the form's text fields to and from the settings of
 * contracts/settings.ts, field-named errors from the same zod schema the server applies, and the
 * wording of each value's source. Pure functions, unit-tested.
 */
import {
  editableSettingsSchema,
  SETTING_ENV_NAMES,
  type EditableSettingKey,
  type EditableSettings,
  type SettingSource,
  type SettingsView,
} from '../../../contracts/settings';

/** What the form holds: text as typed (brokers comma-separated). */
export interface SettingsFormValues {
  kafkaBrokers: string;
  databaseUrl: string;
  redisUrl: string;
  topicPrefix: string;
  siteTimeZone: string;
  theme: EditableSettings['display']['theme'];
}

/** The form's starting values from the effective settings (URLs arrive masked). */
export function formFromSettings(s: EditableSettings): SettingsFormValues {
  return {
    kafkaBrokers: s.kafkaBrokers.join(', '),
    databaseUrl: s.databaseUrl,
    redisUrl: s.redisUrl,
    topicPrefix: s.topicPrefix,
    siteTimeZone: s.siteTimeZone,
    theme: s.display.theme,
  };
}

/** Error per form field (the first rule each broke). */
export type SettingsFormErrors = Partial<Record<EditableSettingKey, string>>;

/** The settings of a form, or the error of each invalid field (the server applies the same rules). */
export function settingsFromForm(
  form: SettingsFormValues,
): { ok: true; settings: EditableSettings } | { ok: false; errors: SettingsFormErrors } {
  const brokers = form.kafkaBrokers
    .split(/[,\s]+/)
    .map((b) => b.trim())
    .filter(Boolean);
  const parsed = editableSettingsSchema.safeParse({
    kafkaBrokers: brokers,
    databaseUrl: form.databaseUrl.trim(),
    redisUrl: form.redisUrl.trim(),
    topicPrefix: form.topicPrefix.trim(),
    siteTimeZone: form.siteTimeZone.trim(),
    display: { theme: form.theme },
  });
  if (parsed.success) return { ok: true, settings: parsed.data };
  const errors: SettingsFormErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0] as EditableSettingKey;
    const broker =
      key === 'kafkaBrokers' && typeof issue.path[1] === 'number' ? brokers[issue.path[1]] : undefined;
    errors[key] ??= broker !== undefined ? `"${broker}" ${issue.message}` : issue.message;
  }
  return { ok: false, errors };
}

/** Where a value came from, for people: `set by DATABASE_URL`, `from the settings file`, `default`. */
export function sourceText(key: EditableSettingKey, source: SettingSource): string {
  switch (source) {
    case 'environment':
      return `set by ${SETTING_ENV_NAMES[key]} (environment)`;
    case 'file':
      return 'from the settings file';
    case 'stack':
      return 'from the local stack';
    case 'default':
      return 'default';
  }
}

/**
 * Whether a field can be edited: the settings must be writable here (desktop) and the value not
 * set by the environment (which wins over the file, so a saved value would not take effect).
 */
export function fieldEditable(view: SettingsView, key: EditableSettingKey): boolean {
  return view.writable && view.sources[key] !== 'environment';
}
