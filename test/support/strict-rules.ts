/**
 * Rules whose alert ids cannot depend on the order partitions interleave: they fire on every
 * matching call (threshold 1), so each incident period with such a call has its alert whatever the
 * order, as long as no window drops state an event not yet late still needs (a partition running
 * ahead must not make another's calls lose their window). Rules with higher thresholds fire on the
 * event that crosses them, which may fall in the next period under another interleaving; for those
 * the comparison checks entities and 90 % of ids.
 */
export const STRICT_RULES = ['dno-spoofed-cli-trunk', 'dno-spoofed-cli-number'];
