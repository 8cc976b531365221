import { statSync } from 'node:fs';
import type { Logger } from '@telfraud/common';
import type { RulePack } from '@telfraud/core';
import { loadRulePackFile } from './rule-pack-loader.js';

/**
 * Hot reload of the rule pack file: polled (works on every filesystem and inside containers with
 * mounted config maps); a pack that fails validation is rejected and the running one stays.
 */
export class RulePackWatcher {
  private timer: NodeJS.Timeout | undefined;
  private lastMtime = 0;

  constructor(
    private readonly file: string,
    private readonly pollMs: number,
    private readonly apply: (pack: RulePack) => void,
    private readonly onResult: (result: 'applied' | 'rejected') => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.lastMtime = this.mtime();
    this.timer = setInterval(() => this.check(), this.pollMs);
    this.timer.unref();
  }

  private mtime(): number {
    try {
      return statSync(this.file).mtimeMs;
    } catch {
      return 0;
    }
  }

  check(): void {
    const m = this.mtime();
    if (m === this.lastMtime) return;
    this.lastMtime = m;
    try {
      const pack = loadRulePackFile(this.file, (notice) => this.logger.warn('rule pack uses a deprecated spelling', { notice }));
      this.apply(pack);
      this.onResult('applied');
      this.logger.info('rule pack reloaded', { file: this.file, name: pack.name, rules: pack.rules.length });
    } catch (err) {
      this.onResult('rejected');
      this.logger.error('rule pack rejected; the running pack stays', { file: this.file, err });
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
