import { PipelineError } from './errors.js';
import { StringEnum, Type, compileSchema, type DocumentSchema, type TSchema } from './schema/document-schema.js';

/**
 * A service declares its configuration once, as data; the same declaration validates the
 * environment at start-up (every bad key reported at once, before any socket opens) and
 * renders the README's configuration reference.
 */
interface SettingBase {
  env: string;
  doc: string;
  secret?: boolean;
}
export interface StringSetting extends SettingBase { type: 'string'; default?: string; pattern?: RegExp; optional?: boolean }
export interface IntSetting extends SettingBase { type: 'int'; default?: number; min?: number; max?: number; optional?: boolean }
export interface NumberSetting extends SettingBase { type: 'number'; default?: number; min?: number; max?: number }
export interface BoolSetting extends SettingBase { type: 'bool'; default?: boolean }
export interface ListSetting extends SettingBase { type: 'list'; default?: string[]; minItems?: number }
export interface UrlSetting extends SettingBase { type: 'url'; default?: string; optional?: boolean }
export interface EnumSetting<T extends string = string> extends SettingBase { type: 'enum'; values: readonly T[]; default?: T }

export type Setting = StringSetting | IntSetting | NumberSetting | BoolSetting | ListSetting | UrlSetting | EnumSetting;
export type ConfigDeclaration = Record<string, Setting>;

type ValueOf<S extends Setting> = S extends StringSetting
  ? S['optional'] extends true ? string | undefined : string
  : S extends IntSetting
    ? S['optional'] extends true ? number | undefined : number
    : S extends NumberSetting
      ? number
      : S extends BoolSetting
        ? boolean
        : S extends ListSetting
          ? string[]
          : S extends UrlSetting
            ? S['optional'] extends true ? string | undefined : string
            : S extends EnumSetting<infer T>
              ? T
              : never;

export type ConfigOf<D extends ConfigDeclaration> = { readonly [K in keyof D]: ValueOf<D[K]> };

export function defineConfig<const D extends ConfigDeclaration>(declaration: D): D {
  return declaration;
}

export interface ConfigProblem {
  key: string;
  env: string;
  value: string | undefined;
  expected: string;
}

export class ConfigError extends PipelineError {
  readonly problems: ConfigProblem[];
  constructor(service: string, problems: ConfigProblem[]) {
    const lines = problems.map(
      (p) => `  ${p.env} (${p.key}): got ${p.value === undefined ? 'nothing' : JSON.stringify(p.value)}, expected ${p.expected}`,
    );
    super('CONFIG_INVALID', `invalid configuration for ${service}:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function describe(setting: Setting): string {
  switch (setting.type) {
    case 'string': return setting.pattern ? `a string matching ${setting.pattern}` : 'a non-empty string';
    case 'int': return `an integer${setting.min !== undefined ? ` >= ${setting.min}` : ''}${setting.max !== undefined ? ` <= ${setting.max}` : ''}`;
    case 'number': return `a number${setting.min !== undefined ? ` >= ${setting.min}` : ''}${setting.max !== undefined ? ` <= ${setting.max}` : ''}`;
    case 'bool': return 'true or false';
    case 'list': return `a comma-separated list${setting.minItems ? ` of at least ${setting.minItems} item(s)` : ''}`;
    case 'url': return 'an http(s) URL';
    case 'enum': return `one of ${setting.values.join(', ')}`;
  }
}

/**
 * Environment text to the setting's value; what the text cannot be read as is refused here, and
 * bounds, patterns and lists of values are checked against the declaration's schema (`configSchema`).
 */
function parse(setting: Setting, raw: string): { ok: true; value: unknown } | { ok: false } {
  switch (setting.type) {
    case 'string':
    case 'enum':
      return { ok: true, value: raw };
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) return { ok: false };
      const n = Number(raw);
      return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'number': {
      const n = Number(raw);
      return raw.trim() === '' || !Number.isFinite(n) ? { ok: false } : { ok: true, value: n };
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return { ok: true, value: true };
      if (['false', '0', 'no', 'off'].includes(v)) return { ok: true, value: false };
      return { ok: false };
    }
    case 'list':
      return { ok: true, value: raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0) };
    case 'url':
      try {
        const u = new URL(raw);
        return u.protocol === 'http:' || u.protocol === 'https:' ? { ok: true, value: raw.replace(/\/+$/, '') } : { ok: false };
      } catch {
        return { ok: false };
      }
  }
}

function settingSchema(setting: Setting): TSchema {
  const o = { description: setting.doc, expected: describe(setting) };
  switch (setting.type) {
    case 'string': return Type.String({ ...o, minLength: 1, ...(setting.pattern ? { pattern: setting.pattern.source } : {}) });
    case 'int': return Type.Integer({ ...o, ...(setting.min !== undefined ? { minimum: setting.min } : {}), ...(setting.max !== undefined ? { maximum: setting.max } : {}) });
    case 'number': return Type.Number({ ...o, ...(setting.min !== undefined ? { minimum: setting.min } : {}), ...(setting.max !== undefined ? { maximum: setting.max } : {}) });
    case 'bool': return Type.Boolean(o);
    case 'list': return Type.Array(Type.String(), { ...o, ...(setting.minItems ? { minItems: setting.minItems } : {}) });
    case 'url': return Type.String({ ...o, pattern: '^https?://' });
    case 'enum': return StringEnum(setting.values, o);
  }
}

/** The declaration as a schema of the loaded configuration, keyed like the service reads it. */
export function configSchema(declaration: ConfigDeclaration): TSchema {
  return Type.Object(
    Object.fromEntries(Object.entries(declaration).map(([key, s]) => [key, Type.Optional(settingSchema(s))])),
    { additionalProperties: false },
  );
}

const compiled = new WeakMap<ConfigDeclaration, DocumentSchema<TSchema>>();

/** Validates every declared key against `env`; throws one ConfigError naming all bad keys. */
export function loadConfig<D extends ConfigDeclaration>(
  service: string,
  declaration: D,
  env: Record<string, string | undefined> = process.env,
): ConfigOf<D> {
  const out: Record<string, unknown> = {};
  const problems = new Map<string, ConfigProblem>();
  const problem = (key: string, setting: Setting, raw: string | undefined, required = false): void => {
    problems.set(key, { key, env: setting.env, value: raw !== undefined && setting.secret ? '***' : raw, expected: describe(setting) + (required ? ' (required)' : '') });
  };
  for (const [key, setting] of Object.entries(declaration)) {
    const raw = env[setting.env];
    if (raw === undefined || raw === '') {
      if (setting.default !== undefined) out[key] = setting.default;
      else if ((setting.type === 'string' || setting.type === 'url' || setting.type === 'int') && setting.optional) out[key] = undefined;
      else problem(key, setting, undefined, true);
      continue;
    }
    const parsed = parse(setting, raw);
    if (parsed.ok) out[key] = parsed.value;
    else problem(key, setting, raw);
  }
  let schema = compiled.get(declaration);
  if (!schema) compiled.set(declaration, (schema = compileSchema(configSchema(declaration))));
  const checked = schema.check(out);
  if (!checked.ok) {
    for (const p of checked.problems) {
      const key = p.path.split(/[.[]/)[0] ?? '';
      const setting = declaration[key];
      if (setting && !problems.has(key)) problem(key, setting, env[setting.env]);
    }
  }
  if (problems.size > 0) {
    // Reported in declaration order, as the README lists them.
    throw new ConfigError(service, Object.keys(declaration).flatMap((k) => problems.get(k) ?? []));
  }
  return out as ConfigOf<D>;
}

/**
 * `loadConfig` that hands back its problems instead of throwing them, for a service that checks more
 * (cross-key rules, entries of a list) and reports everything in one ConfigError.
 */
export function checkConfig<D extends ConfigDeclaration>(
  service: string,
  declaration: D,
  env: Record<string, string | undefined>,
): { config: ConfigOf<D> | undefined; problems: ConfigProblem[] } {
  try {
    return { config: loadConfig(service, declaration, env), problems: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { config: undefined, problems: err.problems };
  }
}

/** What a setting accepts, in words (`an integer >= 1`). */
export const describeSetting = (setting: Setting): string => describe(setting);

/** A setting's default as text: `required`, `(unset)`, `***` for a secret, or the value. */
export function settingDefault(s: Setting): string {
  if (s.default === undefined) return (s.type === 'string' || s.type === 'url' || s.type === 'int') && s.optional ? '(unset)' : 'required';
  return s.secret ? '***' : Array.isArray(s.default) ? s.default.join(',') : String(s.default);
}

/** Markdown table of a declaration, for the README's configuration reference. */
export function renderConfigTable(declaration: ConfigDeclaration): string {
  const rows = Object.values(declaration).map((s) => {
    const def = settingDefault(s);
    return `| \`${s.env}\` | ${describe(s)} | ${def === 'required' ? '**required**' : def === '(unset)' || s.secret ? def : `\`${def}\``} | ${s.doc} |`;
  });
  return ['| variable | expects | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
