/** The error vocabulary is declared once, in the core (pure); every service reads it from here. */
export { ERROR_CODES, PipelineError, isPipelineError, toPipelineError, unreachable, type ErrorCode, type PipelineErrorOptions } from '@telfraud/core';
