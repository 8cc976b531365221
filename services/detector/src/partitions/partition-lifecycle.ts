import { PipelineError, type ConsumedBatch, type PartitionAssignment } from '@telfraud/common';
import { PartitionProgressMonitor, type PartitionProgressMonitorOptions } from './partition-progress-monitor.js';
import { PartitionRewind, type PartitionRewindOptions } from './partition-rewind.js';

export interface PartitionLifecycleOptions {
  progress: Omit<PartitionProgressMonitorOptions, 'onAllQuiet'>;
  rewind: Omit<PartitionRewindOptions, 'seek'>;
}

/** What the lifecycle drives, known only once the consumer and the pipeline exist. */
export interface PartitionLifecycleTargets {
  /** The detection consumer's seek: where a rewound partition is read again from. */
  seek: (topic: string, partition: number, offset: number) => void;
  /** Every assigned partition went quiet at its end: held records are processed after all. */
  releaseQuietTail: () => Promise<void>;
}

/**
 * What happens to the detection consumer's partitions, in one place: on assignment each is rewound
 * to rebuild window state (PartitionRewind) and tracked until caught up (PartitionProgressMonitor,
 * which holds the watermark back meanwhile); each processed batch moves both on. The consumer and
 * the pipeline call this object instead of reaching into the two through separate callbacks.
 *
 * Progress is polled from `start()`, before the consumer exists; the consumer and the pipeline are
 * attached once built, before the consumer runs (assignments, hence seeks, come only then).
 */
export class PartitionLifecycle {
  private readonly progress: PartitionProgressMonitor;
  private readonly rewind: PartitionRewind;
  private targets: PartitionLifecycleTargets | undefined;

  constructor(options: PartitionLifecycleOptions) {
    this.progress = new PartitionProgressMonitor({ ...options.progress, onAllQuiet: () => this.targets?.releaseQuietTail() ?? Promise.resolve() });
    this.rewind = new PartitionRewind({
      ...options.rewind,
      seek: (topic, partition, offset) => {
        if (!this.targets) throw new PipelineError('INTERNAL', 'PartitionLifecycle: a rewind before the consumer was attached');
        this.targets.seek(topic, partition, offset);
      },
    });
  }

  start(): void {
    this.progress.start();
  }

  attach(targets: PartitionLifecycleTargets): void {
    this.targets = targets;
  }

  onAssignment(assignment: PartitionAssignment[]): void {
    this.rewind.onAssignment(assignment);
    this.progress.onAssignment(assignment);
  }

  /** True when the batch only started a rewind (the partition is read again from earlier): skip it. */
  rewound(batch: ConsumedBatch): Promise<boolean> {
    return this.rewind.rewound(batch);
  }

  /** Records of the partition below this offset only rebuild state: their output was emitted before. */
  replayBelow(topic: string, partition: number): number | undefined {
    return this.rewind.replayBelow(topic, partition);
  }

  onBatchProcessed(topic: string, partition: number, lastOffset: string): void {
    this.progress.onBatchProcessed(topic, partition, lastOffset);
    this.rewind.onBatchProcessed(topic, partition, lastOffset);
  }

  close(): Promise<void> {
    return this.progress.close();
  }
}
