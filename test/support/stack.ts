import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, for scripts and built services. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** KEY=VALUE lines written by infra/scripts/up.sh; undefined when the stack was never started. */
export function readStackEnv(file: string): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1]) env[m[1]] = m[2] ?? '';
  }
  return env;
}

/** The local stack's environment, or a clear error telling how to start it. */
export function requireStackEnv(): Record<string, string> {
  const env = readStackEnv(path.join(ROOT, '.data/env'));
  if (!env) throw new Error('the local stack is not running: run `make up` (or bash infra/scripts/up.sh) first');
  return env;
}
