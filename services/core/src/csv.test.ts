import { describe, expect, it } from 'vitest';
import { csvField, csvRecord, parseCsvLine } from './csv.js';

describe('CSV', () => {
  it('reads what it writes, whatever the field holds', () => {
    const fields = ['plain', 'with, comma', 'with "quotes"', ' padded ', '', 'Barclays Bank UK, PLC', '"'];
    const line = csvRecord(fields, '');
    expect(parseCsvLine(line)).toEqual(fields);
  });

  it('quotes only what needs it', () => {
    expect(csvRecord(['a', 1.5, 'b,c', 'say "hi"'])).toBe('a,1.5,"b,c","say ""hi"""\r\n');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
  });

  it('trims unquoted fields and the space around quoted ones, keeps space inside quotes', () => {
    expect(parseCsvLine(' ingress_trunk , "trunk a " ,x')).toEqual(['ingress_trunk', 'trunk a ', 'x']);
    expect(parseCsvLine('a,,')).toEqual(['a', '', '']);
  });

  it('refuses unbalanced quotes and text after a closing quote; a quote inside an unquoted field is text', () => {
    expect(parseCsvLine('"open,b')).toBeUndefined();
    expect(parseCsvLine('"a"b,c')).toBeUndefined();
    expect(parseCsvLine('a"b,c')).toEqual(['a"b', 'c']);
  });
});
