import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSimulation, type SimulationOptions } from '../simulation/build-simulation.js';
import { DeliveryCounters, labelsDocument, type LabelsDocument } from '../simulation/labels-document.js';
import { writeReferenceDir } from '../reference/reference-writer.js';
import { JsonlWriter } from './jsonl-writer.js';

export interface FileRunOptions {
  outDir: string;
  simulation: SimulationOptions;
  /** Stop after exactly this many call-event lines. */
  maxCallEvents?: number;
  /** Called every PROGRESS_EVERY call events with the count so far. */
  onProgress?: (callEvents: number) => void;
}

const PROGRESS_EVERY = 50_000;

/** Runs the simulation to DIR/calls.jsonl, DIR/sms.jsonl, DIR/labels.json and DIR/reference/. */
export async function runToFiles(options: FileRunOptions): Promise<LabelsDocument> {
  const { outDir, simulation: sim, maxCallEvents } = options;
  await mkdir(outDir, { recursive: true });
  await writeReferenceDir(path.join(outDir, 'reference'));
  const { engine, labels } = buildSimulation(sim);
  const calls = new JsonlWriter(path.join(outDir, 'calls.jsonl'));
  const sms = new JsonlWriter(path.join(outDir, 'sms.jsonl'));
  const counters = new DeliveryCounters();
  try {
    for (let e = engine.next(); e; e = engine.next()) {
      if (e.topic === 'call-events') {
        await calls.write(e.event);
        if (calls.count % PROGRESS_EVERY === 0) options.onProgress?.(calls.count);
      } else {
        await sms.write(e.event);
      }
      labels.observe(e);
      counters.observe(e);
      if (maxCallEvents !== undefined && calls.count >= maxCallEvents) break;
    }
  } finally {
    await Promise.all([calls.close(), sms.close()]);
  }
  const doc = labelsDocument(sim, counters, labels.labels());
  await writeFile(path.join(outDir, 'labels.json'), JSON.stringify(doc, null, 2) + '\n', 'utf8');
  return doc;
}
