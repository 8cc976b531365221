import { growI32, growU8 } from './typed-columns.js';

/** Register-index bits: 2^11 = 2,048 one-byte registers per sketch. */
export const HLL_PRECISION = 11;
export const HLL_REGISTERS = 1 << HLL_PRECISION;
/** Relative standard error of the estimate, 1.04/√m (about 2.3 %). */
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(HLL_REGISTERS);
const ALPHA = 0.7213 / (1 + 1.079 / HLL_REGISTERS);
const TWO_POW_32 = 4_294_967_296;
/** 2^-r for every register value a 53-bit fingerprint can give (r ≤ 53 - p + 1). */
const INV_POW2 = Float64Array.from({ length: 64 }, (_, r) => 2 ** -r);

/**
 * HyperLogLog sketches (Flajolet et al. 2007, with linear counting below 2.5 m) as blocks of one
 * shared Uint8Array, allocated and freed through a free list. They take the keyed 53-bit fingerprint
 * the exact sets use: values chosen to collide or to skew the registers cannot be computed without
 * the process's secret key. Union is register max, so per-bucket sketches merge over a window.
 */
export class HyperLogLogSlab {
  private regs = new Uint8Array(0);
  private nextFree = new Int32Array(0);
  private freeHead = -1;
  private used = 0;
  private live = 0;
  /** Whole-sketch passes (merge, copy) so far: what a window's unions cost, for tests and benchmarks. */
  passes = 0;

  get blocks(): number {
    return this.live;
  }

  alloc(): number {
    let b: number;
    if (this.freeHead >= 0) {
      b = this.freeHead;
      this.freeHead = this.nextFree[b]!;
      this.regs.fill(0, b * HLL_REGISTERS, (b + 1) * HLL_REGISTERS);
    } else {
      if (this.used === this.nextFree.length) {
        const n = Math.max(4, 2 * this.used);
        this.nextFree = growI32(this.nextFree, n);
        this.regs = growU8(this.regs, n * HLL_REGISTERS);
      }
      b = this.used++;
    }
    this.live++;
    return b;
  }

  free(b: number): void {
    this.nextFree[b] = this.freeHead;
    this.freeHead = b;
    this.live--;
  }

  /** Adds a fingerprint. */
  add(b: number, fp: number): void {
    const j = b * HLL_REGISTERS + registerOf(fp);
    const r = rankOf(fp);
    if (this.regs[j]! < r) this.regs[j] = r;
  }

  /** Adds a fingerprint to a sketch whose harmonic sum and zero count the caller keeps in `acc`. */
  addTracked(b: number, fp: number, acc: Float64Array, at: number): void {
    const j = b * HLL_REGISTERS + registerOf(fp);
    const r = rankOf(fp);
    const old = this.regs[j]!;
    if (old >= r) return;
    this.regs[j] = r;
    acc[at]! += INV_POW2[r]! - INV_POW2[old]!;
    if (old === 0) acc[at + 1]! -= 1;
  }

  clear(b: number): void {
    this.regs.fill(0, b * HLL_REGISTERS, (b + 1) * HLL_REGISTERS);
  }

  /** into = from. */
  copy(into: number, from: number): void {
    this.passes++;
    this.regs.copyWithin(into * HLL_REGISTERS, from * HLL_REGISTERS, (from + 1) * HLL_REGISTERS);
  }

  /** into = max(into, from), register by register. */
  merge(into: number, from: number): void {
    this.passes++;
    const regs = this.regs;
    const a = into * HLL_REGISTERS;
    const f = from * HLL_REGISTERS;
    for (let i = 0; i < HLL_REGISTERS; i++) if (regs[f + i]! > regs[a + i]!) regs[a + i] = regs[f + i]!;
  }

  /** into = max(a, b), register by register, in one pass. */
  union(into: number, a: number, b: number): void {
    this.passes++;
    const regs = this.regs;
    const t = into * HLL_REGISTERS;
    const x = a * HLL_REGISTERS;
    const y = b * HLL_REGISTERS;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const p = regs[x + i]!;
      const q = regs[y + i]!;
      regs[t + i] = p > q ? p : q;
    }
  }

  /** into = max(a, b) as `union`, writing its harmonic sum and zero-register count to acc[at], acc[at + 1] in the same pass. */
  unionSummarised(into: number, a: number, b: number, acc: Float64Array, at: number): void {
    this.passes++;
    const regs = this.regs;
    const t = into * HLL_REGISTERS;
    const x = a * HLL_REGISTERS;
    const y = b * HLL_REGISTERS;
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const p = regs[x + i]!;
      const q = regs[y + i]!;
      const r = p > q ? p : q;
      regs[t + i] = r;
      sum += INV_POW2[r]!;
      if (r === 0) zeros++;
    }
    acc[at] = sum;
    acc[at + 1] = zeros;
  }

  /** Writes the harmonic sum and the zero-register count of block b to acc[at], acc[at + 1]. */
  summarise(b: number, acc: Float64Array, at: number): void {
    const regs = this.regs;
    let sum = 0;
    let zeros = 0;
    for (let i = b * HLL_REGISTERS, end = i + HLL_REGISTERS; i < end; i++) {
      const r = regs[i]!;
      sum += INV_POW2[r]!;
      if (r === 0) zeros++;
    }
    acc[at] = sum;
    acc[at + 1] = zeros;
  }

  estimate(b: number): number {
    const acc = new Float64Array(2);
    this.summarise(b, acc, 0);
    return estimateFrom(acc[0]!, acc[1]!);
  }

  bytes(): number {
    return this.regs.byteLength + this.nextFree.byteLength;
  }
}

/** The cardinality estimate from a sketch's harmonic sum Σ2^-M[j] and its count of zero registers. */
export function estimateFrom(harmonicSum: number, zeros: number): number {
  const m = HLL_REGISTERS;
  const raw = (ALPHA * m * m) / harmonicSum;
  if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
  return raw;
}

function registerOf(fp: number): number {
  return fp % HLL_REGISTERS;
}

/** Position of the lowest set bit of the fingerprint's remaining 42 bits, from 1 (43 when all zero). */
function rankOf(fp: number): number {
  const w = Math.floor(fp / HLL_REGISTERS);
  const lo = w % TWO_POW_32;
  if (lo !== 0) return 32 - Math.clz32(lo & -lo);
  const hi = Math.floor(w / TWO_POW_32);
  return hi === 0 ? 53 - HLL_PRECISION + 1 : 32 + 32 - Math.clz32(hi & -hi);
}
