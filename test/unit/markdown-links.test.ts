/**
 * The repository stands alone: every link in its README and docs points at a file inside it (or at
 * a web address), so nothing a user reads sends them to a path that only existed on our machines.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/stack.js';

const trackedMarkdown = (): string[] =>
  execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((f) => f.length > 0);

/** `[text](target)` links, without the `#anchor`; web addresses and pure anchors are left out. */
function relativeLinks(markdown: string): string[] {
  const out: string[] = [];
  for (const m of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    out.push(target.split('#')[0]!);
  }
  return out;
}

describe('markdown links', () => {
  const files = trackedMarkdown();

  it('finds the README and the docs', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/contract.md');
  });

  it.each(files)('%s links only to files inside the repository', (file) => {
    const dir = path.dirname(path.join(ROOT, file));
    const bad = relativeLinks(readFileSync(path.join(ROOT, file), 'utf8')).filter((target) => {
      const resolved = path.resolve(dir, target);
      return !resolved.startsWith(ROOT) || !existsSync(resolved);
    });
    expect(bad).toEqual([]);
  });
});
