import { randomBytes } from 'node:crypto';
import type { HashSeed } from '@telfraud/core';

/** A fresh secret key per process for the distinct-count hash: collisions cannot be prepared in advance. */
export function randomHashSeed(): HashSeed {
  const b = randomBytes(8);
  return [b.readUInt32LE(0), b.readUInt32LE(4)];
}
