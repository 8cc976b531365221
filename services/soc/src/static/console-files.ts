import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { HttpResponse } from '@telfraud/common';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

/** Headers every console file carries: no sniffing, no referrer (the token lives in the page, never in a URL). */
const SAFE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

/**
 * The built web console, served read-only from one folder: `/` is index.html, other paths are
 * files under the folder (no listing, no dot-files, nothing outside it). index.html is never
 * cached (it names the current assets); the rest may be cached briefly.
 */
export class ConsoleFiles {
  private readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
  }

  get dir(): string {
    return this.root;
  }

  /** The file for a GET path, or undefined when there is none (the caller answers 404). */
  async serve(urlPath: string): Promise<HttpResponse | undefined> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    if (relative.includes('\0') || relative.split(/[\\/]/).some((part) => part.startsWith('.') || part === '')) return undefined;
    const file = path.resolve(this.root, relative);
    if (!file.startsWith(this.root + path.sep)) return undefined;
    try {
      if (!(await stat(file)).isFile()) return undefined;
      const body = await readFile(file);
      const ext = path.extname(file).toLowerCase();
      return {
        status: 200, body, contentType: TYPES[ext] ?? 'application/octet-stream',
        headers: { ...SAFE_HEADERS, 'cache-control': ext === '.html' ? 'no-cache' : 'public, max-age=300' },
      };
    } catch {
      return undefined;
    }
  }
}
