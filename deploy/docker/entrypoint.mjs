// The image's entry point: runs one service or job by name, `SERVICE=detector` or the first
// argument (`docker run IMAGE replay --calls ...`), in this process, so the service's own signal
// handling gets SIGTERM directly.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const APP = path.resolve(import.meta.dirname, '../..');
const commands = JSON.parse(readFileSync(path.join(import.meta.dirname, 'commands.json'), 'utf8'));
const names = Object.keys(commands).filter((n) => !n.startsWith('$'));

const argv = process.argv.slice(2);
// The first argument names the command when it is one; otherwise SERVICE does and every argument is its.
const named = argv[0] !== undefined && names.includes(argv[0]);
const name = named ? argv[0] : process.env.SERVICE;
const args = named ? argv.slice(1) : argv;
if (!name || !names.includes(name)) {
  process.stderr.write(`usage: SERVICE=<name> or <name> [args...], name one of: ${names.join(', ')}; got ${JSON.stringify(name ?? argv[0] ?? null)}\n`);
  process.exit(64);
}
const command = commands[name];
// The health check learns which service runs here even when it was named by argument.
try {
  writeFileSync('/tmp/telfraud-service', name);
} catch {
  // A read-only file system (Kubernetes probes instead): nothing to tell.
}
const main = path.join(APP, command.main);
process.argv = [process.argv[0], main, ...args];
await import(pathToFileURL(main).href);
