/**
 * Non-cryptographic, platform-free hashes. The core may not import node:crypto, and alert ids only
 * need to be stable and collision-resistant enough for ids (128 bits), not secret.
 */

/** 32-bit FNV-1a: cheap and unkeyed, for partitioning; distinct counting uses keyed-hash (values can be chosen to collide here). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function murmurMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 128-bit hash as 32 hex characters: four independently seeded 32-bit lanes over the text. */
export function hash128Hex(text: string): string {
  const seeds = [0x9747b28c, 0x12345679, 0xdeadbeef, 0x6a09e667];
  let out = '';
  for (const seed of seeds) {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
      h ^= h >>> 15;
    }
    h = murmurMix(h ^ text.length);
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}
