/**
 * The repository stands alone: every link in its README, the services' READMEs and docs/ points at
 * a file inside it (or at a web address), so nothing a user reads sends them to a path that only
 * existed on our machines. A `#heading` anchor into a markdown file must name one of its headings.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/stack.js';

const trackedMarkdown = (): string[] =>
  execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((f) => f.length > 0);

/** Fenced code blocks and inline code spans hold examples, not links. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Inline links and images `[text](target "title")`, `<target>` forms and reference definitions `[id]: target`. */
export function markdownLinks(markdown: string): string[] {
  const text = withoutCode(markdown);
  const out: string[] = [];
  for (const m of text.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g)) out.push(m[1]!.replace(/^<|>$/g, ''));
  for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/gm)) out.push(m[1]!.replace(/^<|>$/g, ''));
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of withoutCode(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** What is wrong with a link of `file` (a path relative to `root`), or undefined if it resolves. */
export function brokenLink(root: string, file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const resolved = pathPart === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURI(pathPart));
  const inside = path.relative(root, resolved);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return `${target}: outside the repository`;
  if (!existsSync(resolved)) return `${target}: no such file`;
  if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile() && !headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) {
    return `${target}: no heading #${anchor} in ${inside}`;
  }
  return undefined;
}

describe('markdown link checker', () => {
  it('finds inline, titled, angle-bracketed and reference links, not those in code', () => {
    const md = [
      'See [a](docs/a.md), [b](<docs/b c.md> "B"), ![img](docs/i.png \'t\') and [web](https://example.org).',
      '`[not](code.md)`',
      '```',
      '[also not](fenced.md)',
      '```',
      '[ref]: ../outside.md',
    ].join('\n');
    expect(markdownLinks(md)).toEqual(['docs/a.md', 'docs/b c.md', 'docs/i.png', 'https://example.org', '../outside.md']);
  });

  it('flags targets outside the repository, missing files and unknown headings', () => {
    expect(brokenLink(ROOT, 'README.md', '../shared/contract.md')).toMatch(/outside the repository/);
    expect(brokenLink(ROOT, 'README.md', 'docs/no-such-page.md')).toMatch(/no such file/);
    expect(brokenLink(ROOT, 'README.md', 'docs/contract.md#no-such-heading')).toMatch(/no heading/);
    expect(brokenLink(ROOT, 'README.md', 'docs/contract.md')).toBeUndefined();
    expect(brokenLink(ROOT, 'README.md', 'https://example.org/x.md')).toBeUndefined();
  });
});

describe('markdown links', () => {
  const files = trackedMarkdown();

  it('finds the README, the services\' READMEs and the docs', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/contract.md');
    expect(files).toContain('docs/architecture.md');
    expect(files).toContain('docs/rule-language.md');
    for (const service of ['alert-sink', 'blocker', 'detector', 'generator', 'schema-registry', 'soc']) {
      expect(files).toContain(`services/${service}/README.md`);
    }
  });

  it.each(files)('%s links only to files (and headings) inside the repository', (file) => {
    const bad = markdownLinks(readFileSync(path.join(ROOT, file), 'utf8'))
      .map((target) => brokenLink(ROOT, file, target))
      .filter((problem) => problem !== undefined);
    expect(bad).toEqual([]);
  });
});
