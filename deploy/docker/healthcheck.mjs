// The image's HEALTHCHECK: 0 while the running service's /readyz answers 200, 1 otherwise. Jobs
// (no HTTP port) are healthy while they run. Node's own fetch, so the image needs no curl.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const commands = JSON.parse(readFileSync(path.join(import.meta.dirname, 'commands.json'), 'utf8'));
let name = process.env.SERVICE;
try {
  name = readFileSync('/tmp/telfraud-service', 'utf8').trim() || name;
} catch {
  // Not written (yet): the environment's SERVICE, if any.
}
const port = name && commands[name]?.httpPort;
if (!port) process.exit(0);
const value = Number(process.env[port.env] || port.default);
try {
  const res = await fetch(`http://127.0.0.1:${value}/readyz`, { signal: AbortSignal.timeout(4000) });
  process.exit(res.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
