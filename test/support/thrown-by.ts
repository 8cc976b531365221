import { expect } from 'vitest';

/** Runs `fn`, which must throw an instance of `type`, and returns what it threw (to assert on its fields). */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as E;
  }
  throw new Error(`expected a ${type.name}`);
}
