/**
 * CSV as RFC 4180 writes it, one record per line: a field holding a comma, a quote or a line break
 * (or space at either end) is quoted, with quotes doubled. The reference files, the analysts'
 * verdicts and the SOC's exports all read and write it here, so that what one side quotes the
 * other unquotes.
 */
export function csvField(value: string | number): string {
  const s = typeof value === 'number' ? String(value) : value;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record and its line end (CRLF, as RFC 4180 says, unless told otherwise). */
export function csvRecord(fields: readonly (string | number)[], eol = '\r\n'): string {
  return `${fields.map(csvField).join(',')}${eol}`;
}

/**
 * The fields of one line: quoted fields as written (quotes undoubled), unquoted ones trimmed.
 * Undefined when a quoted field's quotes do not balance, or text follows its closing quote. A line break inside
 * quotes is not supported: files read here keep one record per line.
 */
export function parseCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q === -1) return undefined;
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(v);
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') return undefined;
    } else {
      const c = line.indexOf(',', i);
      // A quote inside an unquoted field is kept as text, as lenient writers leave it.
      out.push((c === -1 ? line.slice(i) : line.slice(i, c)).trim());
      i = c === -1 ? line.length : c;
    }
    if (i >= line.length) return out;
    i++;
  }
}
