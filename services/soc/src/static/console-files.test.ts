import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConsoleFiles } from './console-files.js';

describe('ConsoleFiles', () => {
  let files: ConsoleFiles;
  beforeAll(() => {
    const base = mkdtempSync(path.join(tmpdir(), 'soc-console-'));
    const dir = path.join(base, 'console');
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>SOC</title>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dir, '.env'), 'SECRET=1');
    writeFileSync(path.join(base, 'secret.txt'), 'outside');
    files = new ConsoleFiles(dir);
  });

  it('serves index.html at / and assets with their types', async () => {
    const index = await files.serve('/');
    expect(index?.status).toBe(200);
    expect(index?.contentType).toBe('text/html; charset=utf-8');
    expect(index?.headers?.['cache-control']).toBe('no-cache');
    expect(String(index?.body)).toContain('<title>SOC</title>');
    const js = await files.serve('/assets/app.js');
    expect(js?.contentType).toBe('text/javascript; charset=utf-8');
    expect(String(js?.body)).toBe('console.log(1)');
  });

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/.env', '/assets/', '/assets', '/missing.js', '/%00', '/%E0%A4%A', '/assets//app.js', '/..\\secret.txt'])(
    'serves nothing for %s', async (p) => {
      expect(await files.serve(p)).toBeUndefined();
    },
  );
});
