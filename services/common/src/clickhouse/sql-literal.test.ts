import { describe, expect, it } from 'vitest';
import { SqlLiteralError, sqlArray, sqlIdentifier, sqlList, sqlLiteral, sqlNumber, sqlString } from './sql-literal.js';

/**
 * Reads a quoted literal the way ClickHouse's lexer does (a quote ends it unless escaped by a
 * backslash; `\xHH`, `\\`, `\'` and the C escapes decode). Returns the value and what follows it,
 * so a test can see that nothing escaped from the literal.
 */
function readQuoted(sql: string): { value: string; rest: string } {
  expect(sql[0]).toBe("'");
  const bytes: number[] = [];
  let i = 1;
  const push = (s: string): void => void bytes.push(...Buffer.from(s, 'utf8'));
  for (;;) {
    if (i >= sql.length) throw new Error(`unterminated literal: ${sql}`);
    const c = sql[i]!;
    if (c === "'") return { value: Buffer.from(bytes).toString('utf8'), rest: sql.slice(i + 1) };
    if (c === '\\') {
      const e = sql[i + 1];
      if (e === 'x') {
        bytes.push(parseInt(sql.slice(i + 2, i + 4), 16));
        i += 4;
        continue;
      }
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', a: '\x07', v: '\v', e: '\x1b' };
      push(e !== undefined && e in simple ? simple[e]! : e ?? '');
      i += 2;
      continue;
    }
    const cp = sql.codePointAt(i)!;
    push(String.fromCodePoint(cp));
    i += cp > 0xffff ? 2 : 1;
  }
}

const nasty = [
  '', 'plain', "it's", "''", "\\'", '\\', "\\\\'", "' OR 1=1 --", "'; DROP TABLE alerts; --", "x' UNION ALL SELECT * FROM system.users --",
  '\0', 'a\0b', 'line\nbreak', 'cr\rlf\r\n', '\t', '\x1b[31m', '\x7f', 'é€😀 漢字', '\u2028\u2029', '\uFEFF', '"double"', '`back`', '{x:String}', '$1', '%s', '?',
  '\\x27', '\\0', "\\'; --", '/* comment */', '-- comment', '#', '\u00a0', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
];

describe('sqlString', () => {
  it.each(nasty)('round-trips %j and leaves nothing after the literal', (value) => {
    const sql = sqlString(value);
    const { value: back, rest } = readQuoted(sql);
    expect(back).toBe(value);
    expect(rest).toBe('');
  });

  it('writes no raw quote, backslash pair or control character into the SQL text', () => {
    for (const value of nasty) {
      const inner = sqlString(value).slice(1, -1);
      expect(inner.replace(/\\[\\']/g, '').includes("'")).toBe(false);
      expect(/[\x00-\x1f\x7f]/.test(inner)).toBe(false);
    }
  });

  it('escapes exactly: quotes and backslashes with a backslash, control characters as \\xHH', () => {
    expect(sqlString("a'b")).toBe("'a\\'b'");
    expect(sqlString('a\\b')).toBe("'a\\\\b'");
    expect(sqlString('\0\n\x7f')).toBe("'\\x00\\x0A\\x7F'");
    expect(sqlString('é😀')).toBe("'é😀'");
  });

  it('round-trips very long strings and every character below 0x800', () => {
    const long = "x'\\".repeat(200_000);
    expect(readQuoted(sqlString(long)).value).toBe(long);
    const all = Array.from({ length: 0x800 }, (_, c) => String.fromCharCode(c)).join('');
    expect(readQuoted(sqlString(all)).value).toBe(all);
  });

  it('refuses lone surrogates and non-strings', () => {
    expect(() => sqlString('a\uD800b')).toThrow(SqlLiteralError);
    expect(() => sqlString('\uDC00')).toThrow(SqlLiteralError);
    expect(() => sqlString(42 as unknown as string)).toThrow(SqlLiteralError);
    expect(() => sqlString(null as unknown as string)).toThrow(SqlLiteralError);
  });
});

describe('sqlNumber / sqlLiteral', () => {
  it('writes finite numbers and refuses NaN and the infinities', () => {
    expect(sqlNumber(0)).toBe('0');
    expect(sqlNumber(-0)).toBe('0');
    expect(sqlNumber(1_700_000_000_000)).toBe('1700000000000');
    expect(sqlNumber(-12.5)).toBe('-12.5');
    expect(sqlNumber(1e21)).toBe('1e+21');
    for (const bad of [NaN, Infinity, -Infinity]) expect(() => sqlNumber(bad)).toThrow(SqlLiteralError);
    expect(() => sqlNumber('1' as unknown as number)).toThrow(SqlLiteralError);
  });

  it('sqlLiteral picks by type and refuses everything else', () => {
    expect(sqlLiteral(5)).toBe('5');
    expect(sqlLiteral('5')).toBe("'5'");
    for (const bad of [null, undefined, true, {}, [], 10n]) expect(() => sqlLiteral(bad as unknown as string)).toThrow(SqlLiteralError);
  });
});

describe('sqlList / sqlArray / sqlIdentifier', () => {
  it('builds IN lists and arrays of literals', () => {
    expect(sqlList(["a'", 1])).toBe("('a\\'', 1)");
    expect(() => sqlList([])).toThrow(SqlLiteralError);
    expect(sqlArray([])).toBe('[]');
    expect(sqlArray(['x', 'y'])).toBe("['x', 'y']");
    expect(() => sqlArray([NaN])).toThrow(SqlLiteralError);
  });

  it('accepts plain identifiers only', () => {
    expect(sqlIdentifier('fraud_2')).toBe('fraud_2');
    for (const bad of ['', '1db', 'a.b', 'a b', 'a`', 'fraud; DROP', 'é']) expect(() => sqlIdentifier(bad)).toThrow(SqlLiteralError);
  });
});
