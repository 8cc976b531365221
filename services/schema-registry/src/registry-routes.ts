import { parseSchemaRequest } from './avro-schema.js';
import { parseCompatibilityLevel } from './compatibility.js';
import { registryErrors } from './registry-errors.js';
import type { RegistryWriter } from './registry-writer.js';
import { RouteTable } from './route-table.js';
import type { SchemaStore, SchemaVersion } from './schema-store.js';

export interface ApiRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when there is none. */
  body: unknown;
}

/** `raw`: the body is schema text, sent as it is. */
export interface ApiResult {
  status?: number;
  body: unknown;
  raw?: boolean;
}

export type ApiHandler = (req: ApiRequest) => ApiResult | Promise<ApiResult>;

const MAX_VERSION = 2_147_483_647;

function parseVersion(raw: string): number | 'latest' {
  if (raw === 'latest' || raw === '-1') return 'latest';
  if (/^\d{1,10}$/.test(raw)) {
    const n = Number(raw);
    if (n >= 1 && n <= MAX_VERSION) return n;
  }
  throw registryErrors.invalidVersion(raw);
}

function parseId(raw: string): number {
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_VERSION)) throw registryErrors.schemaNotFound(`Schema ${raw} not found`);
  return n;
}

const param = (req: ApiRequest, name: string): string => req.params[name] ?? '';
const flag = (req: ApiRequest, name: string): boolean => req.query.get(name)?.toLowerCase() === 'true';
const view = (v: SchemaVersion) => ({ subject: v.subject, version: v.version, id: v.id, schema: v.schema });

/** The Confluent REST subset, as handlers over the store (reads) and the writer (changes). */
export function registryRoutes(store: SchemaStore, writer: RegistryWriter, readOnly = false): RouteTable<ApiHandler> {
  const liveSubject = (subject: string): SchemaVersion[] => {
    const versions = store.liveVersions(subject);
    if (versions.length === 0) throw registryErrors.subjectNotFound(subject);
    return versions;
  };
  const versionOf = (subject: string, raw: string): SchemaVersion => {
    const version = parseVersion(raw);
    liveSubject(subject);
    const found = store.version(subject, version);
    if (!found) throw registryErrors.versionNotFound(subject, raw);
    return found;
  };
  const schemaOf = (raw: string): string => {
    const schema = store.schemaById(parseId(raw));
    if (schema === undefined) throw registryErrors.schemaNotFound(`Schema ${raw} not found`);
    return schema;
  };
  const compatibility = (req: ApiRequest, version: string | undefined): ApiResult => {
    const subject = param(req, 'subject');
    const schema = parseSchemaRequest(req.body);
    const level = store.effectiveCompatibility(subject);
    let problems: string[];
    if (version === undefined || (parseVersion(version) === 'latest' && store.liveVersions(subject).length === 0)) {
      problems = writer.problems(level, subject, schema);
    } else {
      problems = writer.problems(level, subject, schema, versionOf(subject, version).version);
    }
    return { body: { is_compatible: problems.length === 0, ...(flag(req, 'verbose') ? { messages: problems } : {}) } };
  };
  const levelFrom = (body: unknown) => {
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['compatibility'] : undefined;
    const level = parseCompatibilityLevel(value);
    if (!level) throw registryErrors.invalidCompatibility(value);
    return level;
  };

  return new RouteTable<ApiHandler>()
    .add('GET', '/', () => ({ body: {} }))
    .add('GET', '/schemas/types', () => ({ body: ['AVRO'] }))
    .add('GET', '/schemas/ids/{id}', (req) => ({ body: { schema: schemaOf(param(req, 'id')) } }))
    .add('GET', '/schemas/ids/{id}/schema', (req) => ({ body: schemaOf(param(req, 'id')), raw: true }))
    .add('GET', '/schemas/ids/{id}/versions', (req) => {
      schemaOf(param(req, 'id'));
      return { body: store.usesOf(parseId(param(req, 'id'))) };
    })
    .add('GET', '/subjects', () => ({ body: store.subjectNames() }))
    .add('GET', '/subjects/{subject}/versions', (req) => ({ body: liveSubject(param(req, 'subject')).map((v) => v.version) }))
    .add('GET', '/subjects/{subject}/versions/{version}', (req) => ({ body: view(versionOf(param(req, 'subject'), param(req, 'version'))) }))
    .add('GET', '/subjects/{subject}/versions/{version}/schema', (req) => ({
      body: versionOf(param(req, 'subject'), param(req, 'version')).schema,
      raw: true,
    }))
    .add('POST', '/subjects/{subject}/versions', async (req) => ({ body: await writer.register(param(req, 'subject'), parseSchemaRequest(req.body)) }))
    .add('POST', '/subjects/{subject}', (req) => {
      const subject = param(req, 'subject');
      const schema = parseSchemaRequest(req.body);
      liveSubject(subject);
      const found = store.find(subject, schema.canonical);
      if (!found) throw registryErrors.schemaNotFound();
      return { body: view(found) };
    })
    .add('DELETE', '/subjects/{subject}', async (req) => ({ body: await writer.deleteSubject(param(req, 'subject')) }))
    .add('GET', '/mode', () => ({ body: { mode: readOnly ? 'READONLY' : 'READWRITE' } }))
    .add('GET', '/mode/{subject}', () => ({ body: { mode: readOnly ? 'READONLY' : 'READWRITE' } }))
    .add('GET', '/config', () => ({ body: { compatibilityLevel: store.globalCompatibility() } }))
    .add('PUT', '/config', async (req) => ({ body: { compatibility: await writer.setCompatibility(null, levelFrom(req.body)) } }))
    .add('GET', '/config/{subject}', (req) => {
      const subject = param(req, 'subject');
      const level = store.subjectCompatibility(subject) ?? (flag(req, 'defaultToGlobal') ? store.globalCompatibility() : undefined);
      if (!level) throw registryErrors.subjectConfigNotFound(subject);
      return { body: { compatibilityLevel: level } };
    })
    .add('PUT', '/config/{subject}', async (req) => ({
      body: { compatibility: await writer.setCompatibility(param(req, 'subject'), levelFrom(req.body)) },
    }))
    .add('POST', '/compatibility/subjects/{subject}/versions/{version}', (req) => compatibility(req, param(req, 'version')))
    .add('POST', '/compatibility/subjects/{subject}/versions', (req) => compatibility(req, undefined));
}
