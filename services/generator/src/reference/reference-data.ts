import { csvRecord } from '@telfraud/core';
import { dnoEntries } from '../model/bank-directory.js';
import { NETWORK } from '../model/network-plan.js';

/**
 * Contract section 3's reference files as text. The allow-list holds only originators that must never
 * be alerted on whatever they do (a network test probe, the emergency call-back trunk); the
 * look-alike scenarios are deliberately absent, since the detector has to tell them apart on merit.
 */
export const ALLOWLIST: readonly { entity_type: string; entity: string; reason: string }[] = [
  { entity_type: 'ingress_trunk', entity: 'gb-qos-probe-01', reason: 'network QoS test probe (places short test calls around the clock)' },
  { entity_type: 'ingress_trunk', entity: 'gb-ecc-callback-01', reason: 'emergency call centre call-back trunk' },
  { entity_type: 'calling_number', entity: '+441632960999', reason: 'operator test line (Ofcom drama range)' },
];

export function dnoCsv(): string {
  return ['number,owner', ...dnoEntries().map((e) => csvRecord([e.number, e.owner], ''))].join('\n') + '\n';
}

export function allowlistCsv(): string {
  return ['entity_type,entity,reason', ...ALLOWLIST.map((a) => csvRecord([a.entity_type, a.entity, a.reason], ''))].join('\n') + '\n';
}

export function networkJson(): string {
  return JSON.stringify(NETWORK, null, 2) + '\n';
}
