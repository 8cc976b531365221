/**
 * Control characters, format characters (bidi overrides, zero-width), line/paragraph separators,
 * lone surrogates and unassigned or private code points: what could move the cursor, recolour or
 * reorder a terminal, or hide text, when a bad input line is quoted in a message.
 */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/gu;

const escapeOne = (ch: string): string => {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
};

/** `text` safe to print on a terminal: non-printables escaped, cut to `maxLength` characters. */
export function printable(text: string, maxLength = 300): string {
  const cut = text.length > maxLength ? text.slice(0, maxLength) : text;
  const escaped = cut.replace(NON_PRINTABLE, escapeOne);
  return cut.length < text.length ? `${escaped}… (${text.length - maxLength} more characters)` : escaped;
}
