import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { campaignDataset, type CampaignDataset, type CampaignOptions } from './campaign-dataset.js';
import { EventProducer } from './event-producer.js';
import { FlakyLink } from './flaky-link.js';
import { GroupOffsets } from './group-offsets.js';
import { PipelineHarness, type PipelineOptions } from './pipeline-harness.js';

/** What every fault test starts from: its own pipeline, a campaign dataset, a producer and an offsets reader. */
export interface FaultRun {
  harness: PipelineHarness;
  dataset: CampaignDataset;
  producer: EventProducer;
  offsets: GroupOffsets;
}

export interface FaultRunOptions {
  dataset?: CampaignOptions;
  producerRetryMs?: number;
  pipeline?: PipelineOptions;
  /** How long opening may take (the hook's timeout); vitest's default when unset. */
  openTimeoutMs?: number;
}

export async function openFaultRun(run: string, env: Record<string, string>, options: FaultRunOptions = {}): Promise<FaultRun> {
  const [harness, dataset] = await Promise.all([PipelineHarness.start(run, env, options.pipeline), campaignDataset(run, options.dataset)]);
  const producer = await EventProducer.create(env, `faults-${run}`, options.producerRetryMs);
  const offsets = await GroupOffsets.connect(env);
  return { harness, dataset, producer, offsets };
}

/** Closes what `openFaultRun` opened (any part may be missing if it failed half-way). */
export async function closeFaultRun(parts: Partial<FaultRun>): Promise<void> {
  await parts.producer?.close();
  await parts.offsets?.close();
  await parts.harness?.stop();
}

/** A fault run of a `describe` block: its unique name, and its parts once `beforeAll` has opened them. */
export interface FaultRunFixture extends FaultRun {
  run: string;
}

/**
 * Opens a fault run before the block's tests and closes it after them; call it in the `describe`
 * body. `prefix` names the run (`crash-1a2b3c`), so its topics and groups are its own.
 */
export function useFaultRun(prefix: string, env: Record<string, string>, options: FaultRunOptions = {}): FaultRunFixture {
  const fixture = { run: `${prefix}-${randomBytes(3).toString('hex')}` } as FaultRunFixture;
  beforeAll(async () => {
    Object.assign(fixture, await openFaultRun(fixture.run, env, options));
  }, options.openTimeoutMs);
  afterAll(async () => {
    await closeFaultRun(fixture);
  });
  return fixture;
}

/** A link to `target` the block's tests can cut and restore, opened before them and closed after. */
export function useFlakyLink(target: URL): { link: FlakyLink } {
  const holder = {} as { link: FlakyLink };
  beforeAll(async () => {
    holder.link = await FlakyLink.start(target);
  });
  afterAll(async () => {
    await holder.link?.close();
  });
  return holder;
}
