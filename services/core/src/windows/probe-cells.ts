/**
 * Removal from a linear-probing cell array whose cells hold `slot + 1` (0 is empty) and whose slots'
 * hashes are kept beside it. Backward shift instead of tombstones: probe runs never lengthen with
 * churn, so a lookup's cost stays bounded by the live load however many keys have come and gone.
 */
export function removeFromProbeCells(cells: Int32Array, hashes: ArrayLike<number>, mask: number, slot: number): void {
  let i = hashes[slot]! & mask;
  while (cells[i] !== slot + 1) i = (i + 1) & mask;
  // Later cells of the probe run that may move into the hole do.
  let j = i;
  for (;;) {
    j = (j + 1) & mask;
    const c = cells[j]!;
    if (c === 0) break;
    const home = hashes[c - 1]! & mask;
    const between = i <= j ? home > i && home <= j : home > i || home <= j;
    if (!between) {
      cells[i] = c;
      i = j;
    }
  }
  cells[i] = 0;
}
