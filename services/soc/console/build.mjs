// Writes the console to services/soc/dist/console/: its sources as they are (native ES modules,
// no bundling) plus the ES module builds of its few libraries, which index.html's import map names.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../dist/console');

const VENDOR = [
  ['preact', 'dist/preact.module.js', 'preact.module.js'],
  ['preact', 'hooks/dist/hooks.module.js', 'hooks.module.js'],
  ['htm', 'dist/htm.module.js', 'htm.module.js'],
  ['uplot', 'dist/uPlot.esm.js', 'uPlot.esm.js'],
  ['uplot', 'dist/uPlot.min.css', 'uPlot.min.css'],
];

/** The installed package's folder, looked up the way Node does (workspaces hoist to the root). */
function packageDir(name) {
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${name} is not installed: run npm install`);
  }
}

// Only what this script writes is replaced: anything else tsc -b put there would not be written
// again while its build info says it is up to date.
const entries = readdirSync(here).filter((name) => name !== 'build.mjs');
for (const name of [...entries, 'vendor']) rmSync(path.join(out, name), { recursive: true, force: true });
mkdirSync(path.join(out, 'vendor'), { recursive: true });
for (const name of entries) {
  // Type declarations exist for the unit tests only.
  cpSync(path.join(here, name), path.join(out, name), { recursive: true, filter: (src) => !src.endsWith('.d.ts') });
}
for (const [pkg, file, target] of VENDOR) cpSync(path.join(packageDir(pkg), file), path.join(out, 'vendor', target));
