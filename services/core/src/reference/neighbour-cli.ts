import type { CallEvent } from '../events.js';

/** Digits a neighbour-spoofed caller ID may differ in: the callee's own 10,000-number block. */
export const NEIGHBOUR_DIGITS = 4;

/**
 * Neighbour spoofing: the presented caller ID is made to look local to the callee, same length and
 * equal in everything but the last four digits (the same exchange block), so people answer. A
 * caller ID equal to the callee's own number counts too (also spoofed). Numbers shorter than eight
 * characters are never neighbours (short codes and malformed input).
 */
export function isNeighbourCli(event: CallEvent): boolean {
  const a = event.calling_number;
  const b = event.called_number;
  if (a.length !== b.length || a.length < 8) return false;
  const head = a.length - NEIGHBOUR_DIGITS;
  return a.startsWith(b.slice(0, head));
}
