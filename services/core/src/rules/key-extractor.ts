import type { CallEvent, CallField } from '../events.js';

/** A rule's key (one field or a combination) as an entity type and a function giving the entity. */
export interface KeyExtractor {
  entityType: string;
  entityOf(event: CallEvent): string;
}

const SEPARATOR = '|';

export function keyExtractor(fields: CallField[]): KeyExtractor {
  if (fields.length === 1) {
    const f = fields[0]!;
    return { entityType: f, entityOf: (e) => String(e[f]) };
  }
  return { entityType: fields.join('+'), entityOf: (e) => fields.map((f) => String(e[f])).join(SEPARATOR) };
}

/** Rebuilds the extractor from an entity type such as `ingress_trunk+calling_number`. */
export function keyExtractorFor(entityType: string): KeyExtractor {
  return keyExtractor(entityType.split('+') as CallField[]);
}
