import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLabelFile } from '../../../detector/src/replay/label-file.js';
import { csvField } from '@telfraud/core';
import { verdictsCsv, verdictsNdjson, type VerdictLabel } from './verdict-labels.js';
import { victimsCsv, victimsNdjson } from './victims-export.js';

const labels: VerdictLabel[] = [
  { entity_type: 'ingress_trunk', entity: 'nl-voip, "wholesale"', verdict: 'true_positive', rule_id: 'dno-spoofed-cli-trunk', alert_id: 'a1', closed_at: 1_700_000_000_000, closed_by: 'ann' },
  { entity_type: 'calling_number', entity: '+31201234567', verdict: 'false_positive', rule_id: 'cli-burst', alert_id: 'a2', closed_at: 1_700_000_001_000, closed_by: 'bob' },
  { entity_type: 'calling_number', entity: '+31201234567', verdict: 'benign', rule_id: 'cli-burst', alert_id: 'a3', closed_at: 1_700_000_002_000, closed_by: 'bob' },
  { entity_type: 'ingress_trunk', entity: 'line\nbreak', verdict: 'benign', rule_id: 'r', alert_id: 'a4', closed_at: 1_700_000_003_000, closed_by: 'ann' },
];

function parsedBack(name: string, text: string): ReturnType<typeof readLabelFile> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'soc-labels-')), name);
  writeFileSync(file, text);
  return readLabelFile(file);
}

describe('verdict labels', () => {
  it('CSV is read back by the replay\'s label reader, quotes and commas intact; a label with a line break is left out and counted', () => {
    const csv = verdictsCsv(labels);
    expect(csv.rows).toBe(3);
    expect(csv.skipped).toBe(1);
    const back = parsedBack('labels.csv', csv.text);
    expect(back).toEqual({
      kind: 'verdicts',
      verdicts: labels.slice(0, 3).map((l) => ({ entity_type: l.entity_type, entity: l.entity, verdict: l.verdict, rule_id: l.rule_id, alert_id: l.alert_id })),
    });
  });

  it('NDJSON is read back by the replay\'s label reader, every label included', () => {
    const back = parsedBack('labels.ndjson', verdictsNdjson(labels));
    expect(back.kind).toBe('verdicts');
    expect(back.kind === 'verdicts' ? back.verdicts.map((v) => v.alert_id) : []).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(back.kind === 'verdicts' ? back.verdicts[3]?.entity : '').toBe('line\nbreak');
  });

  it('an empty CSV export is a header the reader accepts as no verdicts', () => {
    expect(parsedBack('empty.csv', verdictsCsv([]).text)).toEqual({ kind: 'verdicts', verdicts: [] });
  });
});

describe('victims export', () => {
  const victims = [
    { victim_number: '+31600000001', first_exposure: Date.UTC(2026, 10, 30, 9), last_exposure: Date.UTC(2026, 10, 30, 10, 30), longest_call_ms: 125_000, calls: 2, flagged_origins: ['calling_number:+31201234567', 'ingress_trunk:nl, "x"'], alert_ids: ['a1', 'a2'] },
  ];

  it('CSV: the spec\'s header, ISO times, lists joined with ;, RFC 4180 quoting and CRLF', () => {
    expect(victimsCsv(victims)).toBe(
      'victim_number,first_exposure,last_exposure,longest_call_ms,calls,flagged_origins,alert_ids\r\n'
      + '+31600000001,2026-11-30T09:00:00.000Z,2026-11-30T10:30:00.000Z,125000,2,"calling_number:+31201234567;ingress_trunk:nl, ""x""",a1;a2\r\n',
    );
  });

  it('NDJSON: one Victim object a line', () => {
    expect(victimsNdjson(victims).split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual(victims);
  });

  it('quotes exactly the fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(12)).toBe('12');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('')).toBe('');
  });
});
