import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCallEvent, validateSmsEvent } from '@telfraud/core';
import { SCENARIO_NAMES } from '../scenarios/scenario-catalog.js';
import { runToFiles } from './run-to-files.js';
import type { LabelsDocument } from '../simulation/labels-document.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function run(maxCallEvents?: number) {
  const dir = await mkdtemp(path.join(tmpdir(), 'generator-'));
  dirs.push(dir);
  const doc = await runToFiles({
    outDir: dir,
    simulation: {
      seed: 5, startTs: Date.UTC(2026, 0, 1), horizonMs: 20 * 60_000, backgroundRate: 10,
      scenarios: SCENARIO_NAMES, openEnded: maxCallEvents !== undefined,
      delivery: { lateShare: 0.02, duplicateShare: 0.01 },
    },
    ...(maxCallEvents !== undefined ? { maxCallEvents } : {}),
  });
  const read = (f: string) => readFile(path.join(dir, f), 'utf8');
  return { dir, doc, read };
}

describe('runToFiles', () => {
  it('writes contract-shaped JSON lines, labels and reference data', async () => {
    const { doc, read } = await run();
    const calls = (await read('calls.jsonl')).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    const sms = (await read('sms.jsonl')).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(calls.length).toBe(doc.run.call_events);
    expect(sms.length).toBe(doc.run.sms_events);
    for (const c of calls) expect(validateCallEvent(c).ok).toBe(true);
    for (const s of sms) expect(validateSmsEvent(s).ok).toBe(true);
    // Nullable fields are written as null, not left out.
    expect(Object.keys(calls[0] as object)).toEqual(['event_id', 'call_id', 'type', 'ts', 'calling_number', 'called_number', 'ingress_trunk', 'ingress_country', 'attestation', 'duration_ms', 'sip_code']);
    const labels = JSON.parse(await read('labels.json')) as LabelsDocument;
    expect(labels.labels.map((l) => l.scenario)).toEqual(['background', ...SCENARIO_NAMES]);
    expect(labels.run.call_events).toBe(calls.length);
    expect(await read('reference/dno.csv')).toMatch(/^number,owner\n\+448081570101,Albion Bank\n/);
    expect(await read('reference/allowlist.csv')).toMatch(/^entity_type,entity,reason\ningress_trunk,/);
    expect(JSON.parse(await read('reference/network.json'))).toEqual({ home_country: 'GB', home_prefixes: ['+44'], roaming_prefixes: ['+447'] });
  });

  it('stops after exactly N call events and labels only what was written', async () => {
    const { doc, read } = await run(7_777);
    const lines = (await read('calls.jsonl')).trimEnd().split('\n');
    expect(lines).toHaveLength(7_777);
    expect(doc.run.call_events).toBe(7_777);
    const ends = new Map<string, number>();
    for (const l of lines) {
      const e = JSON.parse(l) as { type: string; called_number: string; duration_ms: number | null; call_id: string };
      if (e.type === 'END' && e.duration_ms! > 60_000) ends.set(e.call_id, e.duration_ms!);
    }
    for (const label of doc.labels) for (const v of label.victim_calls) expect(ends.has(v.call_id)).toBe(true);
  });
});
