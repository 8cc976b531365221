import { PipelineError, type Attestation } from '@telfraud/core';
import type { Rng } from './prng.js';

/**
 * The simulated carrier's interconnects: where ordinary traffic enters. Campaigns and look-alikes
 * that own a trunk declare it in their own module; the shared ones live here so that background,
 * roaming and heavy users can arrive on the same trunks, as they do on a real network.
 */
export const HOME_COUNTRY = 'GB';

export interface Trunk {
  id: string;
  country: string;
}

/** The carrier's own IMS core: its mobile subscribers' calls, signed with full attestation. */
export const OWN_CORE_TRUNKS: readonly Trunk[] = [1, 2, 3, 4].map((i) => ({ id: `gb-core-ims-0${i}`, country: HOME_COUNTRY }));

/** Interconnects with other UK fixed and mobile networks: mostly A, some B (enterprise ranges). */
export const DOMESTIC_INTERCONNECTS: readonly Trunk[] = [
  { id: 'gb-ic-fixed-01', country: HOME_COUNTRY },
  { id: 'gb-ic-fixed-02', country: HOME_COUNTRY },
  { id: 'gb-ic-fixed-03', country: HOME_COUNTRY },
  { id: 'gb-ic-mobile-01', country: HOME_COUNTRY },
  { id: 'gb-ic-mobile-02', country: HOME_COUNTRY },
];

/** International gateways, one per partner country, with the share of inbound traffic each carries. */
export const INTERNATIONAL_GATEWAYS: readonly (readonly [Trunk, number])[] = (
  [['IE', 12], ['DE', 10], ['FR', 10], ['ES', 9], ['PL', 12], ['IT', 7], ['NL', 6], ['US', 14], ['IN', 10], ['PK', 6], ['NG', 4]] as const
).map(([country, weight]) => [{ id: `intl-gw-${country.toLowerCase()}-01`, country }, weight] as const);

export function internationalGateway(country: string): Trunk {
  const found = INTERNATIONAL_GATEWAYS.find(([t]) => t.country === country);
  if (!found) throw new PipelineError('NOT_FOUND', `no international gateway for ${country}`);
  return found[0];
}

/** Calls from foreign carriers: at best gateway attestation, mostly none. */
export function foreignAttestation(rng: Rng): Attestation {
  return rng.chance(0.35) ? 'C' : 'NONE';
}

/** Domestic interconnect traffic: full attestation for most, partial for enterprise ranges. */
export function domesticAttestation(rng: Rng): Attestation {
  return rng.chance(0.82) ? 'A' : 'B';
}

/** The carrier's own view of itself, as network.json states it. */
export const NETWORK = {
  home_country: HOME_COUNTRY,
  home_prefixes: ['+44'],
  roaming_prefixes: ['+447'],
} as const;
