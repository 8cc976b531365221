import { csvRecord } from '@telfraud/core';

/** A whole CSV document (RFC 4180, CRLF): the header, then one record per row. */
export function csvDocument(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return csvRecord(header) + rows.map((r) => csvRecord(r)).join('');
}
