import { describe, expect, it } from 'vitest';
import { callEvent } from '../test-support/call-builder.js';
import { keyExtractor, keyExtractorFor } from './key-extractor.js';

describe('keyExtractor', () => {
  const e = callEvent({ ingress_trunk: 'intl-7', calling_number: '+443001110001', sip_code: null });
  it.each([
    [['ingress_trunk'], 'ingress_trunk', 'intl-7'],
    [['calling_number'], 'calling_number', '+443001110001'],
    [['ingress_trunk', 'calling_number'], 'ingress_trunk+calling_number', 'intl-7|+443001110001'],
    [['sip_code'], 'sip_code', 'null'],
  ] as const)('%j → %s = %s', (fields, type, entity) => {
    const k = keyExtractor([...fields]);
    expect(k.entityType).toBe(type);
    expect(k.entityOf(e)).toBe(entity);
    const back = keyExtractorFor(type);
    expect([back.entityType, back.entityOf(e)]).toEqual([type, entity]);
  });
});
