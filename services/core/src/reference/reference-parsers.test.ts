import { describe, expect, it } from 'vitest';
import { ReferenceDataError, parseAllowlistCsv, parseDnoCsv, parseNetworkJson } from './reference-parsers.js';
import { thrownBy } from '../../../../test/support/thrown-by.js';

const refError = (fn: () => unknown): ReferenceDataError => thrownBy(ReferenceDataError, fn);

describe('parseDnoCsv', () => {
  it('reads numbers and owners, skipping blanks and comments, tolerating CRLF and case in the header', () => {
    const text = 'Number, Owner\r\n+443001110001,Barclays Bank\r\n\r\n# inbound fraud line\r\n+443001110002 , HSBC UK, Retail\r\n';
    expect([...parseDnoCsv(text)]).toEqual([
      ['+443001110001', 'Barclays Bank'],
      ['+443001110002', 'HSBC UK,Retail'],
    ]);
  });

  it('accepts a header-only file', () => {
    expect(parseDnoCsv('number,owner\n').size).toBe(0);
  });

  it.each([
    ['wrong header', 'owner,number\n+443001110001,x\n', 1, /header must be number,owner/],
    ['empty file', '', 1, /header/],
    ['non-E.164 number on line 2', 'number,owner\n03001110001,x\n', 2, /not E\.164/],
    ['bad number after a comment and a blank line', 'number,owner\n# c\n\n+443001110001,a\nabc,b\n', 5, /"abc"/],
    ['missing column', 'number,owner\n+443001110001,a\n+443001110002\n', 3, /expected 2 columns, got 1/],
  ])('%s → error with its line', (_why, text, line, msg) => {
    const err = refError(() => parseDnoCsv(text));
    expect(err.line).toBe(line);
    expect(err.file).toBe('dno.csv');
    expect(err.message).toMatch(msg);
    expect(err.message.startsWith(`dno.csv:${line}: `)).toBe(true);
  });

  it('names the file it was given', () => {
    expect(refError(() => parseDnoCsv('x,y\n', 'ref/dno.csv')).message).toMatch(/^ref\/dno\.csv:1: /);
  });
});

describe('parseAllowlistCsv', () => {
  it('groups entities by call-event field', () => {
    const m = parseAllowlistCsv('entity_type,entity,reason\ningress_trunk,bank-out-1,bank call centre\ncalling_number,+442079460000,pharmacy\ningress_trunk,bank-out-2,dr site\n');
    expect(Object.fromEntries([...m].map(([k, v]) => [k, [...v]]))).toEqual({
      ingress_trunk: ['bank-out-1', 'bank-out-2'],
      calling_number: ['+442079460000'],
    });
  });

  it.each([
    ['wrong header', 'type,entity,reason\n', 1, /header/],
    ['unknown entity_type', 'entity_type,entity,reason\ntrunk,t1,x\n', 2, /"trunk" is not a call-event field/],
    ['empty entity after comments', 'entity_type,entity,reason\n# a\n# b\ningress_trunk,,x\n', 4, /entity is empty/],
    ['too few columns', 'entity_type,entity,reason\ningress_trunk,t1\n', 2, /expected 3 columns/],
  ])('%s → error with its line', (_why, text, line, msg) => {
    const err = refError(() => parseAllowlistCsv(text));
    expect(err.line).toBe(line);
    expect(err.message).toMatch(msg);
  });
});

describe('parseNetworkJson', () => {
  it('reads the profile; absent prefix lists are empty', () => {
    expect(parseNetworkJson('{"home_country":"GB","home_prefixes":["+44"],"roaming_prefixes":["+447"]}')).toEqual({
      homeCountry: 'GB', homePrefixes: ['+44'], roamingPrefixes: ['+447'],
    });
    expect(parseNetworkJson('{"home_country":"FR"}')).toEqual({ homeCountry: 'FR', homePrefixes: [], roamingPrefixes: [] });
  });

  it.each([
    ['not JSON', '{home_country', /not JSON/],
    ['lower-case country', '{"home_country":"gb"}', /home_country/],
    ['missing country', '{"home_prefixes":["+44"]}', /home_country/],
    ['prefix without +', '{"home_country":"GB","home_prefixes":["44"]}', /home_prefixes must be an array/],
    ['prefixes not an array', '{"home_country":"GB","roaming_prefixes":"+447"}', /roaming_prefixes/],
    ['JSON null', 'null', /network\.json/],
    ['JSON array', '[]', /home_country/],
  ])('rejects %s as a ReferenceDataError', (_why, text, msg) => {
    const err = refError(() => parseNetworkJson(text));
    expect(err.line).toBe(0);
    expect(err.message).toMatch(/^network\.json: /);
    expect(err.message).toMatch(msg);
  });
});

describe('reference CSV files', () => {
  it('reads quoted fields as a spreadsheet writes them: a comma inside quotes is not a separator, and quotes are not part of the value', () => {
    const dno = parseDnoCsv('\uFEFFnumber,owner\r\n"+442079460000","Barclays Bank UK, PLC"\r\n');
    expect([...dno]).toEqual([['+442079460000', 'Barclays Bank UK, PLC']]);
    const allow = parseAllowlistCsv('entity_type,entity,reason\n"ingress_trunk","trunk, test","probe, nightly"\ncalling_number,+441632960999,"said ""test"""\n');
    expect([...allow.get('ingress_trunk')!]).toEqual(['trunk, test']);
    expect([...allow.get('calling_number')!]).toEqual(['+441632960999']);
  });

  it('names the line of unbalanced quotes', () => {
    const err = refError(() => parseAllowlistCsv('entity_type,entity,reason\ningress_trunk,t1,ok\ningress_trunk,"t2,oops\n'));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/unbalanced quotes/);
  });
});
