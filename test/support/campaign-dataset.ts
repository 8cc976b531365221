import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_RULE_PACK, type Alert, type VictimExposure } from '@telfraud/core';
import { loadReferenceDir, runReplay } from '@telfraud/detector';
import { runToFiles } from '@telfraud/generator';

export type EventRecord = Record<string, unknown>;

/** Labelled generator traffic on files, and what the replay CLI finds in it: the expected outcome of any streaming run. */
export interface CampaignDataset {
  dir: string;
  calls: EventRecord[];
  sms: EventRecord[];
  replay: { alerts: Alert[]; victims: VictimExposure[] };
}

export interface CampaignOptions {
  seed?: number;
  /** Simulated minutes of background traffic (scenarios may run on a little). */
  minutes?: number;
  /** Background call events per simulated second. */
  rate?: number;
  scenarios?: string[];
}

const readJsonl = (file: string): EventRecord[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as EventRecord);

/** The same campaign mix as the streaming-equals-replay end-to-end test, dated in the recent past. */
export async function campaignDataset(run: string, options: CampaignOptions = {}): Promise<CampaignDataset> {
  const dir = mkdtempSync(path.join(tmpdir(), `telfraud-dataset-${run}-`));
  const minutes = options.minutes ?? 15;
  await runToFiles({
    outDir: dir,
    simulation: {
      seed: options.seed ?? 5, startTs: Date.now() - (minutes + 60) * 60_000, horizonMs: minutes * 60_000, backgroundRate: options.rate ?? 20,
      scenarios: options.scenarios ?? ['ispoof', 'cli-rotation', 'low-and-slow', 'bank-call-centre', 'notification-run', 'roaming-mobiles'],
    },
  });
  const replay = await runReplay({
    calls: path.join(dir, 'calls.jsonl'), sms: path.join(dir, 'sms.jsonl'), out: path.join(dir, 'replay'),
    pack: DEFAULT_RULE_PACK, reference: loadReferenceDir(path.join(dir, 'reference')), report: () => {},
  });
  return { dir, calls: readJsonl(path.join(dir, 'calls.jsonl')), sms: readJsonl(path.join(dir, 'sms.jsonl')), replay: { alerts: replay.alerts, victims: replay.victims } };
}

/** Calls and SMS cut into `parts` consecutive slices each (slice i of both covers the same share of its file). */
export function slices(dataset: CampaignDataset, parts: number): DatasetSlice[] {
  const cut = <T>(list: T[], i: number): T[] => list.slice(Math.floor((list.length * i) / parts), Math.floor((list.length * (i + 1)) / parts));
  return Array.from({ length: parts }, (_, i) => ({ calls: cut(dataset.calls, i), sms: cut(dataset.sms, i) }));
}

export interface DatasetSlice {
  calls: EventRecord[];
  sms: EventRecord[];
}

/** The two halves of a dataset, in time order (the fault tests' "before" and "after"). */
export function halves(dataset: CampaignDataset): [DatasetSlice, DatasetSlice] {
  return slices(dataset, 2) as [DatasetSlice, DatasetSlice];
}
