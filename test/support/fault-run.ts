import { campaignDataset, type CampaignDataset, type CampaignOptions } from './campaign-dataset.js';
import { EventProducer } from './event-producer.js';
import { GroupOffsets } from './group-offsets.js';
import { PipelineHarness, type PipelineOptions } from './pipeline-harness.js';

/** What every fault test starts from: its own pipeline, a campaign dataset, a producer and an offsets reader. */
export interface FaultRun {
  harness: PipelineHarness;
  dataset: CampaignDataset;
  producer: EventProducer;
  offsets: GroupOffsets;
}

export async function openFaultRun(
  run: string,
  env: Record<string, string>,
  options: { dataset?: CampaignOptions; producerRetryMs?: number; pipeline?: PipelineOptions } = {},
): Promise<FaultRun> {
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
