import { PipelineError } from '../errors.js';
/**
 * The one way a request value enters ClickHouse SQL text. ClickHouse 18.16 has no query
 * parameters (`{x:Type}`), so values are written as literals: strings quoted with every byte
 * that could end or bend the literal escaped, numbers only when finite. Anything else is refused
 * with a SqlLiteralError, never passed through. Identifiers (database names) are not values:
 * `sqlIdentifier` accepts only a plain name.
 */
export class SqlLiteralError extends PipelineError {
  constructor(message: string) {
    super('REQUEST_INVALID', message);
    this.name = 'SqlLiteralError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const hex2 = (code: number): string => `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * A ClickHouse string literal: `'` and `\` escaped with a backslash, every control character
 * (NUL, newlines, DEL...) as `\xHH`. Non-ASCII text passes as UTF-8 (the request body's
 * encoding); a lone UTF-16 surrogate cannot be encoded and is refused rather than silently
 * changed into U+FFFD (a filter must match what was asked or fail).
 */
export function sqlString(value: string): string {
  if (typeof value !== 'string') throw new SqlLiteralError(`expected a string, got ${typeof value}`);
  if (LONE_SURROGATE.test(value)) throw new SqlLiteralError('string holds a lone UTF-16 surrogate');
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x27) out += "\\'";
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += hex2(c);
    else out += value[i];
  }
  return out + "'";
}

/** A numeric literal; NaN and the infinities have no safe literal and are refused. */
export function sqlNumber(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SqlLiteralError(`expected a finite number, got ${String(value)}`);
  // String(-0) is "0"; exponents (1e+21, 1.5e-7) are valid ClickHouse float literals.
  return String(value);
}

/** A string or a number as a literal (the type of the JS value decides). */
export function sqlLiteral(value: string | number): string {
  if (typeof value === 'number') return sqlNumber(value);
  if (typeof value === 'string') return sqlString(value);
  throw new SqlLiteralError(`expected a string or a number, got ${value === null ? 'null' : typeof value}`);
}

/** `(a, b, c)` for `IN`; an empty list has no valid SQL form, callers must handle "nothing" themselves. */
export function sqlList(values: readonly (string | number)[]): string {
  if (values.length === 0) throw new SqlLiteralError('empty list');
  return `(${values.map(sqlLiteral).join(', ')})`;
}

/** `[a, b, c]`, an array literal (may be empty). */
export function sqlArray(values: readonly (string | number)[]): string {
  return `[${values.map(sqlLiteral).join(', ')}]`;
}

/** A database or table name: plain identifiers only, no quoting games. */
export function sqlIdentifier(name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SqlLiteralError(`not a plain identifier: ${JSON.stringify(String(name)).slice(0, 80)}`);
  return name;
}
