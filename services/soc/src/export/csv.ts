/**
 * RFC 4180 CSV: CRLF line ends; a field holding a comma, a quote, CR or LF (or leading/trailing
 * space) is quoted, with quotes doubled. Numbers are written as JavaScript prints them.
 */
export function csvField(value: string | number): string {
  const s = typeof value === 'number' ? String(value) : value;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRecord(fields: readonly (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export function csvDocument(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return csvRecord(header) + rows.map(csvRecord).join('');
}
