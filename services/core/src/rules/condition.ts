import type { CallEvent } from '../events.js';
import {
  isAllowlisted, isDnoCall, isHomeCliFromAbroad, type ReferenceData,
} from '../reference/reference-data.js';
import { isNeighbourCli } from '../reference/neighbour-cli.js';
import type { Condition } from './rule-pack.js';

export type CallPredicate = (event: CallEvent) => boolean;

/** Compiles a declarative condition into a closure once, so the hot path does no interpretation. */
export function compileCondition(cond: Condition, ref: () => ReferenceData): CallPredicate {
  if ('all' in cond) return allOf(cond.all.map((c) => compileCondition(c, ref)));
  if ('any' in cond) {
    const parts = cond.any.map((c) => compileCondition(c, ref));
    return (e) => parts.some((p) => p(e));
  }
  if ('not' in cond) {
    const inner = compileCondition(cond.not, ref);
    return (e) => !inner(e);
  }
  if ('ref' in cond) {
    switch (cond.ref) {
      case 'dno': return (e) => isDnoCall(e, ref());
      case 'home_cli_from_abroad': return (e) => isHomeCliFromAbroad(e, ref());
      case 'home_country_ingress': return (e) => e.ingress_country === ref().network?.homeCountry;
      case 'allowlisted': return (e) => isAllowlisted(e, ref());
      case 'neighbour_cli': return isNeighbourCli;
    }
  }
  const f = cond.field;
  const get = (e: CallEvent): unknown => e[f];
  // The fields every pack tests read directly (a property load the JIT can inline, not a keyed one).
  if ('eq' in cond && f === 'type') { const v = cond.eq; return (e) => e.type === v; }
  if ('lt' in cond && f === 'duration_ms') { const v = cond.lt; return (e) => { const x = e.duration_ms; return typeof x === 'number' && x < v; }; }
  if ('gt' in cond && f === 'duration_ms') { const v = cond.gt; return (e) => { const x = e.duration_ms; return typeof x === 'number' && x > v; }; }
  if ('eq' in cond) { const v = cond.eq; return (e) => get(e) === v; }
  if ('ne' in cond) { const v = cond.ne; return (e) => get(e) !== v; }
  if ('in' in cond) { const s = new Set<unknown>(cond.in); return (e) => s.has(get(e)); }
  if ('notIn' in cond) { const s = new Set<unknown>(cond.notIn); return (e) => !s.has(get(e)); }
  if ('prefix' in cond) {
    const ps = cond.prefix;
    return (e) => { const v = get(e); return typeof v === 'string' && ps.some((p) => v.startsWith(p)); };
  }
  if ('gt' in cond) { const v = cond.gt; return (e) => { const x = get(e); return typeof x === 'number' && x > v; }; }
  if ('gte' in cond) { const v = cond.gte; return (e) => { const x = get(e); return typeof x === 'number' && x >= v; }; }
  if ('lt' in cond) { const v = cond.lt; return (e) => { const x = get(e); return typeof x === 'number' && x < v; }; }
  const v = cond.lte;
  return (e) => { const x = get(e); return typeof x === 'number' && x <= v; };
}

/** A conjunction, unrolled for the usual two or three parts (no callback per part on the hot path). */
function allOf(parts: CallPredicate[]): CallPredicate {
  const [a, b, c] = parts;
  if (parts.length === 1) return a!;
  if (parts.length === 2) return (e) => a!(e) && b!(e);
  if (parts.length === 3) return (e) => a!(e) && b!(e) && c!(e);
  return (e) => parts.every((p) => p(e));
}
