import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';

describe('printable', () => {
  it.each([
    ['ESC sequences and BEL', '\u001b[2J\u001b]0;x\u0007', '\\x1b[2J\\x1b]0;x\\x07'],
    ['tab, CR, NUL, DEL, C1', 'a\tb\rc\u0000d\u007fe\u009b', 'a\\x09b\\x0dc\\x00d\\x7fe\\x9b'],
    ['bidi override, zero-width space, line separator, BOM', 'x\u202ey\u200bz\u2028w\ufeff', 'x\\u202ey\\u200bz\\u2028w\\ufeff'],
    ['a lone surrogate', 'a\ud800b', 'a\\ud800b'],
    ['printable text, accents and emoji kept', 'Größe +44 ☎ 😀 "q"', 'Größe +44 ☎ 😀 "q"'],
  ])('escapes %s', (_what, input, expected) => {
    expect(printable(input)).toBe(expected);
  });

  it('cuts long text, saying how much was left out', () => {
    expect(printable('a'.repeat(1000), 10)).toBe('aaaaaaaaaa… (990 more characters)');
  });
});
