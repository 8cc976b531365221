import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../../test/support/stack.js';

/** Where compiled bench tools go: inside the repository, so their bare imports resolve from its node_modules. */
const OUT = join(ROOT, 'bench', '.compiled');

/**
 * Transpiles a bench tool (bench/tools/<tool>) and the bench files it imports by relative path to
 * plain JavaScript under bench/.compiled, and returns the tool's compiled path: a tool run from it
 * needs no TypeScript loader, whose compiler (about 90 MB) would otherwise sit in the measured
 * process's RSS. The packages it imports (@telfraud/*) are their built dist, as with the loader.
 */
export function compiledTool(tool: string): string {
  const done = new Set<string>();
  const compile = (file: string): string => {
    const out = join(OUT, relative(join(ROOT, 'bench'), file)).replace(/\.ts$/, '.js');
    if (done.has(file)) return out;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
      const dep = resolve(dirname(file), `${m[1]!}.ts`);
      if (!dep.startsWith(join(ROOT, 'bench') + '/')) throw new Error(`${file}: a compiled bench tool imports only bench files by relative path (${m[1]!})`);
      compile(dep);
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
    return out;
  };
  return compile(join(ROOT, 'bench', 'tools', tool));
}
