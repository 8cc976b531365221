// The synthetic load of the engine benchmarks (bench/tools/engine-bench.ts and
// engine-memory-breakdown.ts): one call shape and the generator's reference data, so both tools
// measure the same thing.
import { parseAllowlistCsv, parseDnoCsv, parseNetworkJson, type CallEvent, type ReferenceData } from '@telfraud/core';
import { allowlistCsv, dnoCsv, networkJson } from '@telfraud/generator';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
export const fullGc = (): void => {
  gc();
  gc();
};

export const BASE_TS = Date.UTC(2026, 0, 1);
export const TRUNKS = ['gb-core-ims-01', 'gb-core-ims-02', 'gb-core-ims-03', 'gb-core-ims-04'];
/** The generator's reference data, as the detector loads it with DETECTOR_REFERENCE_DIR. */
export const REFERENCE: ReferenceData = { dno: parseDnoCsv(dnoCsv()), allowlist: parseAllowlistCsv(allowlistCsv()), network: parseNetworkJson(networkJson()) };

export type Traffic = 'quiet' | 'campaign' | 'failed-campaign';

/**
 * One event of a domestic call. Every kind is not fully attested, so every origin holds state in
 * the default pack's per-calling_number rule. `quiet`: B-attested START, and an ANSWER for every
 * other call (odd seq), so no campaign rule fires. `campaign`: C-attested STARTs that are never
 * answered nor ended (what the count-rule runs count). `failed-campaign`: C-attested STARTs, each
 * followed by its call's END with no duration (odd seq): the default pack's trunk campaign rules
 * judge short ends, so they fire on every call of this one.
 */
export function call(seq: number, origin: number, ts: number, traffic: Traffic = 'campaign'): CallEvent {
  const follow = (traffic === 'quiet' || traffic === 'failed-campaign') && (seq & 1) === 1;
  const callSeq = follow ? seq - 1 : seq;
  const type = !follow ? 'START' : traffic === 'quiet' ? 'ANSWER' : 'END';
  return {
    event_id: `bench-e${callSeq}-${type[0]}`,
    call_id: `bench-c${callSeq}`,
    type,
    ts,
    calling_number: `+4477${10_000_000 + origin}`,
    called_number: `+4478${10_000_000 + ((callSeq * 7919) % 80_000_000)}`,
    ingress_trunk: TRUNKS[callSeq & 3]!,
    ingress_country: 'GB',
    attestation: traffic === 'quiet' ? 'B' : 'C',
    duration_ms: type === 'END' ? 0 : null,
    sip_code: type === 'END' ? 487 : null,
  };
}
