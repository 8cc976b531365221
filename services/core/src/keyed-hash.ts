/**
 * Keyed fingerprints for distinct counting. An unkeyed hash lets whoever controls the values (a
 * fraudster choosing caller IDs) pick values that collide, so a rotation over 150 numbers counts as
 * one; with a secret key the collisions cannot be computed offline. HalfSipHash-1-3 (Aumasson and
 * Bernstein's keyed PRF for hash tables, as Linux's hsiphash) with a 64-bit key and 64-bit output,
 * over the text's UTF-16 code units; 53 of the 64 bits are kept so the fingerprint is an exact
 * JavaScript number (a Map key without allocation). Collisions among the few thousand values of one
 * window: about n²/2⁵⁴, negligible.
 *
 * The core has no randomness: the key is a parameter. The detector and the replay CLI draw one per
 * process; tests pass a fixed one.
 */

/** 64-bit key as two 32-bit words. */
export type HashSeed = readonly [number, number];

/** A fixed key, for tests and benchmarks; services draw a random one (see `randomHashSeed` in the adapters). */
export const FIXED_HASH_SEED: HashSeed = [0x736f6d65, 0x646f7261];

export type Fingerprint = (text: string) => number;

const TWO_POW_32 = 4_294_967_296;

/** The 53-bit keyed fingerprint of `text`. */
export function keyedHash53(text: string, k0: number, k1: number): number {
  let v0 = k0 | 0;
  let v1 = (k1 ^ 0xee) | 0;
  let v2 = (0x6c796765 ^ k0) | 0;
  let v3 = (0x74656462 ^ k1) | 0;
  const n = text.length;
  const whole = n & ~1;
  // One SipRound per block of two code units; the last block holds the byte length in its top byte
  // and a trailing odd code unit below.
  for (let i = 0; i <= whole; i += 2) {
    const m = i < whole ? text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16) : ((n * 2) << 24) | (whole < n ? text.charCodeAt(whole) : 0);
    v3 ^= m;
    v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
    v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
    v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= m;
  }
  // Three rounds before each 32-bit half of the output.
  v2 ^= 0xee;
  let lo = 0;
  for (let r = 1; r <= 6; r++) {
    v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
    v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
    v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
    if (r === 3) {
      lo = (v1 ^ v3) >>> 0;
      v1 ^= 0xdd;
    }
  }
  const hi = ((v1 ^ v3) >>> 0) >>> 11;
  return hi * TWO_POW_32 + lo;
}

/**
 * The fingerprint function of one key. It remembers its last two texts: the rules of a pack share it,
 * and several count the same field of one event (the callee, by four trunk rules), so an event's
 * value is hashed once, not once per rule.
 */
export function keyedFingerprint(seed: HashSeed): Fingerprint {
  const k0 = seed[0] | 0;
  const k1 = seed[1] | 0;
  let lastText: string | undefined;
  let lastHash = 0;
  let prevText: string | undefined;
  let prevHash = 0;
  return (text) => {
    if (text === lastText) return lastHash;
    if (text === prevText) return prevHash;
    prevText = lastText;
    prevHash = lastHash;
    lastText = text;
    return (lastHash = keyedHash53(text, k0, k1));
  };
}
