import { PipelineError, type ErrorCode } from '@telfraud/common';

const CODE_OF_STATUS: Record<number, ErrorCode> = { 400: 'REQUEST_INVALID', 401: 'ACCESS_DENIED', 403: 'ACCESS_DENIED', 404: 'NOT_FOUND', 502: 'UPSTREAM_UNAVAILABLE', 503: 'UPSTREAM_UNAVAILABLE' };

/** A request the API answers with an error status; `message` is safe to show the caller. */
export class SocApiError extends PipelineError {
  readonly status: number;
  /** The request parameter at fault, for 400s. */
  readonly parameter: string | undefined;

  constructor(status: number, message: string, options: { parameter?: string; cause?: unknown } = {}) {
    super(CODE_OF_STATUS[status] ?? 'INTERNAL', message, { cause: options.cause, ...(options.parameter ? { path: options.parameter } : {}) });
    this.name = 'SocApiError';
    this.status = status;
    this.parameter = options.parameter;
  }
}

export const badParameter = (parameter: string, expected: string): SocApiError =>
  new SocApiError(400, `bad parameter ${parameter}: expected ${expected}`, { parameter });

/** A request body read as JSON; a 400 on the body, saying what it must be, when it is not JSON. */
export function jsonBody(body: Buffer, mustBe: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new SocApiError(400, `body must be ${mustBe}`, { parameter: 'body' });
  }
}
