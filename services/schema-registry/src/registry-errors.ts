import { PipelineError, type ErrorCode } from '@telfraud/common';

/** Our code for a Confluent HTTP status. */
function codeOf(httpStatus: number): ErrorCode {
  if (httpStatus === 404) return 'NOT_FOUND';
  if (httpStatus === 409) return 'SCHEMA_INCOMPATIBLE';
  if (httpStatus === 503) return 'REGISTRY_UNAVAILABLE';
  return httpStatus < 500 ? 'REQUEST_INVALID' : 'INTERNAL';
}

/**
 * The registry's failures as Confluent names them: an HTTP status plus an `error_code`, which the
 * clients (e.g. @kafkajs/confluent-schema-registry) read from `{error_code, message}` bodies.
 */
export class RegistryError extends PipelineError {
  constructor(
    readonly httpStatus: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(codeOf(httpStatus), message, { retryable: httpStatus === 503 });
    this.name = 'RegistryError';
  }

  toBody(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const registryErrors = {
  subjectNotFound: (subject: string) => new RegistryError(404, 40401, `Subject '${subject}' not found.`),
  versionNotFound: (subject: string, version: string) => new RegistryError(404, 40402, `Version ${version} not found for subject '${subject}'.`),
  schemaNotFound: (what = 'Schema not found') => new RegistryError(404, 40403, what),
  subjectConfigNotFound: (subject: string) =>
    new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`),
  incompatible: (subject: string, problems: readonly string[]) =>
    new RegistryError(409, 409, `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${problems.join('; ')}`),
  invalidSchema: (detail: string) => new RegistryError(422, 42201, `Invalid schema: ${detail}`),
  invalidVersion: (version: string) =>
    new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`),
  invalidCompatibility: (value: unknown) =>
    new RegistryError(
      422,
      42203,
      `Invalid compatibility level ${JSON.stringify(value)}. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`,
    ),
  badRequest: (detail: string) => new RegistryError(400, 400, detail),
  methodNotAllowed: (method: string, path: string) => new RegistryError(405, 405, `HTTP ${method} is not supported on ${path}`),
  store: (detail: string) => new RegistryError(500, 50001, `Error in the backend data store: ${detail}`),
  notReady: () => new RegistryError(503, 50003, 'The registry is still reading its log; try again shortly'),
  shuttingDown: () => new RegistryError(503, 50003, 'The registry is shutting down'),
};
