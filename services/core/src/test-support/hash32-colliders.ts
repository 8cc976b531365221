import { hash32 } from '../stable-hash.js';

const FNV_PRIME = 0x01000193;

/** The inverse of the FNV prime modulo 2³² (Newton's iteration): one FNV-1a step can be undone. */
function inversePrime(): number {
  let x = FNV_PRIME;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(FNV_PRIME, x));
  return x;
}

/**
 * Valid E.164 numbers (`+447` and 12 digits) that all have the same unkeyed 32-bit FNV-1a hash:
 * what a fraudster can compute in about a second. Meet in the middle: the hash states after
 * `+447` and 6 digits, forward, against the states the target requires before the last 6 digits,
 * worked backward (each step is invertible); 10⁶ × 10⁶ pairs over 2³² states give ~230 matches.
 */
export function hash32Colliders(count: number): string[] {
  const target = hash32('+447700900000');
  const prefix = '+447';
  const forward = new Map<number, number>();
  const base = (() => {
    let h = 0x811c9dc5;
    for (let i = 0; i < prefix.length; i++) h = Math.imul(h ^ prefix.charCodeAt(i), FNV_PRIME);
    return h;
  })();
  for (let a = 0; a < 1_000_000; a++) {
    const digits = String(a).padStart(6, '0');
    let h = base;
    for (let i = 0; i < 6; i++) h = Math.imul(h ^ digits.charCodeAt(i), FNV_PRIME);
    forward.set(h >>> 0, a);
  }
  const inv = inversePrime();
  const out: string[] = [];
  for (let b = 0; b < 1_000_000 && out.length < count; b++) {
    const digits = String(b).padStart(6, '0');
    let h = target;
    for (let i = 5; i >= 0; i--) h = Math.imul(h, inv) ^ digits.charCodeAt(i);
    const a = forward.get(h >>> 0);
    if (a !== undefined) out.push(`${prefix}${String(a).padStart(6, '0')}${digits}`);
  }
  return out;
}
