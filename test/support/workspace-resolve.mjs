// Module hook: `@telfraud/<name>` → services/<name>/src/index.ts (see workspace-hooks.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function resolve(specifier, context, nextResolve) {
  const m = /^@telfraud\/([a-z-]+)$/.exec(specifier);
  if (m) {
    const url = new URL(`../../services/${m[1]}/src/index.ts`, import.meta.url);
    if (existsSync(fileURLToPath(url))) return { url: url.href, format: 'module', shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
