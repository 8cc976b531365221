// Node module hooks: `.js` specifiers written NodeNext-style resolve to the `.ts` file beside them
// when no `.js` exists, and `.ts` files are transpiled (types stripped, no type check) with the
// project's own TypeScript. Type checking is `npx tsc -p tsconfig.json`, which includes bench/.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const COMPILER_OPTIONS = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  inlineSourceMap: true,
  inlineSources: true,
};

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent?.endsWith('.ts') && specifier.endsWith('.js') && /^(\.{1,2}\/|\/|file:)/.test(specifier)) {
    const url = new URL(specifier, parent);
    if (!existsSync(fileURLToPath(url))) {
      const tsUrl = new URL(url.href.slice(0, -3) + '.ts');
      if (existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  const { outputText } = ts.transpileModule(source, { fileName, compilerOptions: COMPILER_OPTIONS });
  return { format: 'module', source: outputText, shortCircuit: true };
}
