import { describe, expect, it } from 'vitest';
import { callEvent } from '../test-support/call-builder.js';
import { compileCondition } from '../rules/condition.js';
import { EMPTY_REFERENCE } from './reference-data.js';
import { isNeighbourCli } from './neighbour-cli.js';

describe('neighbour_cli', () => {
  it.each([
    ['same block, last four digits differ', '+441614961234', '+441614969876', true],
    ['only the last digit differs', '+447911123450', '+447911123459', true],
    ['the callee\'s own number', '+447911123456', '+447911123456', true],
    ['the fifth-last digit differs', '+441614951234', '+441614961234', false],
    ['different length', '+44161496123', '+441614961234', false],
    ['another country with the same tail', '+331614961234', '+441614961234', false],
    ['too short to be a subscriber number', '+441234', '+441239', false],
  ])('%s: %s calling %s → %s', (_why, calling, called, expected) => {
    const e = callEvent({ calling_number: calling, called_number: called });
    expect(isNeighbourCli(e)).toBe(expected);
    expect(compileCondition({ ref: 'neighbour_cli' }, () => EMPTY_REFERENCE)(e)).toBe(expected);
  });
});
