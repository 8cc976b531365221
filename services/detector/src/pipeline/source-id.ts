/**
 * Names of the event-time sources the engine's watermark tracks. A partition is a source of its
 * own (`calls/5`); a keyed partition holds records routed from several origin partitions, each in
 * its own order, so each origin is a sub-source of it (`keyed/2<calls/5`, see core's Watermark).
 */
export function partitionSource(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

export function subSource(partition: string, origin: string): string {
  return `${partition}<${origin}`;
}
