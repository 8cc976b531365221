import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabelFileError, readLabelFile } from './label-file.js';
import { thrownBy } from '../../../../test/support/thrown-by.js';

const dir = mkdtempSync(path.join(tmpdir(), 'telfraud-labels-'));
let n = 0;
function file(name: string, content: string): string {
  const f = path.join(dir, `${n++}-${name}`);
  writeFileSync(f, content);
  return f;
}
function problems(f: string): string[] {
  return thrownBy(LabelFileError, () => readLabelFile(f)).problems;
}

const label = { scenario: 'ispoof', kind: 'fraud', entities: [{ entity_type: 'ingress_trunk', entity: 't' }], start_ts: 5, end_ts: 9, victims: ['+441'], calls: 3 };

describe('readLabelFile', () => {
  it('reads the generator\'s labels.json (pretty-printed or on one line) and the bare array', () => {
    const expected = { kind: 'scenarios', scenarios: [{ scenario: 'ispoof', kind: 'fraud', entities: [{ entity_type: 'ingress_trunk', entity: 't' }], start_ts: 5, victims: ['+441'] }] };
    expect(readLabelFile(file('labels.json', JSON.stringify({ run: { seed: 1 }, labels: [label] }, null, 2)))).toEqual(expected);
    expect(readLabelFile(file('labels.json', JSON.stringify({ run: { seed: 1 }, labels: [label] })))).toEqual(expected);
    expect(readLabelFile(file('labels.json', JSON.stringify([label], null, 2)))).toEqual(expected);
  });

  it('names the JSON path and field of every bad label', () => {
    const bad = [label, { ...label, kind: 'frod', start_ts: 'soon' }, { ...label, entities: [{ entity_type: 'ingress_trunk' }], victims: [7] }];
    expect(problems(file('labels.json', JSON.stringify({ labels: bad }, null, 2)))).toEqual([
      'labels[1].kind: expected "fraud" or "legit", got "frod"',
      'labels[1].start_ts: expected epoch ms (an integer) or null, got "soon"',
      'labels[2].entities[0].entity: expected a non-empty string, got nothing',
      'labels[2].victims[0]: expected a non-empty string, got 7',
    ]);
  });

  it('gives the line and column of a JSON syntax error', () => {
    expect(problems(file('labels.json', '{\n  "labels": [\n    {,\n  ]\n}\n'))[0]).toMatch(/^line 3, column 6: not JSON: /);
  });

  it('reads NDJSON verdicts, optional rule_id and alert_id, extra fields ignored', () => {
    const f = file('verdicts.ndjson', [
      '{"entity_type":"ingress_trunk","entity":"t1","verdict":"true_positive","analyst":"kim"}',
      '',
      '{"entity_type":"calling_number","entity":"+4420","verdict":"benign","rule_id":"burst","alert_id":""}',
      '{"entity_type":"calling_number","entity":"+4421","verdict":"false_positive","alert_id":"abc"}',
    ].join('\n'));
    expect(readLabelFile(f)).toEqual({ kind: 'verdicts', verdicts: [
      { entity_type: 'ingress_trunk', entity: 't1', verdict: 'true_positive' },
      { entity_type: 'calling_number', entity: '+4420', verdict: 'benign', rule_id: 'burst' },
      { entity_type: 'calling_number', entity: '+4421', verdict: 'false_positive', alert_id: 'abc' },
    ] });
  });

  it('names the line and field of bad NDJSON verdicts, and of contradicting ones', () => {
    const f = file('verdicts.ndjson', [
      '{"entity_type":"ingress_trunk","entity":"t1","verdict":"true_positive"}',
      '{"entity_type":"ingress_trunk","entity":"","verdict":"maybe"}',
      'nope',
      '{"entity_type":"ingress_trunk","entity":"t1","verdict":"benign"}',
    ].join('\n'));
    expect(problems(f)).toEqual([
      'line 2: field "entity": expected a non-empty string, got ""',
      'line 2: field "verdict": expected one of true_positive, false_positive, benign, got "maybe"',
      expect.stringMatching(/^line 3: not JSON: /),
      'line 4: field "verdict": benign contradicts true_positive on line 1 for the same entity',
    ]);
  });

  it('reads CSV verdicts with a header (any column order, quoted fields, CRLF, a BOM)', () => {
    const f = file('verdicts.csv', '\uFEFFverdict,entity_type,entity,rule_id,note\r\ntrue_positive,ingress_trunk,"trunk ""x"", east",,"a, b"\r\nbenign,calling_number,+4420,burst,\r\n');
    expect(readLabelFile(f)).toEqual({ kind: 'verdicts', verdicts: [
      { entity_type: 'ingress_trunk', entity: 'trunk "x", east', verdict: 'true_positive' },
      { entity_type: 'calling_number', entity: '+4420', verdict: 'benign', rule_id: 'burst' },
    ] });
  });

  it('names the line and field of bad CSV rows, and a header that is not one', () => {
    expect(problems(file('v.csv', 'entity_type,entity,verdict\ningress_trunk,t1,TP\ningress_trunk,t2\n"open,t3,benign\n'))).toEqual([
      'line 2: field "verdict": expected one of true_positive, false_positive, benign, got "TP"',
      'line 3: 2 fields, the header has 3',
      'line 4: unbalanced quotes',
    ]);
    expect(problems(file('v.csv', 'entity,verdict\nt1,benign\n'))[0]).toMatch(/^line 1: .*missing: entity_type/);
    expect(problems(file('v.csv', '\n\n'))).toEqual(['empty: no labels or verdicts']);
  });
});
