import { parseArgs } from 'node:util';
import { describeSetting, settingDefault, type ConfigDeclaration } from './config.js';

export interface ServiceArgsResult {
  /** What to print, and the exit status; undefined when the service should start. */
  exit?: { code: number; stdout?: string; stderr?: string };
}

/**
 * Usage of a service (or job) whose configuration is its environment: the declaration, rendered as
 * a table. `summary` says what it does; a service's default: it runs until SIGTERM or SIGINT.
 */
export function serviceUsage(service: string, declaration: ConfigDeclaration, summary = `Runs the ${service} service until SIGTERM or SIGINT.`): string {
  const rows = Object.values(declaration).map((s) => `  ${s.env}\n      ${s.doc} (${describeSetting(s)}; ${settingDefault(s) === 'required' ? 'required' : `default ${settingDefault(s)}`})`);
  return [
    `usage: ${service} [-h | --help]`,
    '',
    `${summary} It takes no arguments: it is configured by`,
    'these environment variables, all checked at start-up (every bad one reported, exit status 2):',
    '',
    ...rows,
    '',
  ].join('\n');
}

/** The command line of a service: `--help` prints its configuration; anything else is a usage error (exit 2). */
export function parseServiceArgs(service: string, declaration: ConfigDeclaration, argv: readonly string[], summary?: string): ServiceArgsResult {
  try {
    const { values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: { help: { type: 'boolean', short: 'h' } } });
    return values.help ? { exit: { code: 0, stdout: serviceUsage(service, declaration, summary) } } : {};
  } catch (err) {
    return { exit: { code: 2, stderr: `${service}: ${err instanceof Error ? err.message : String(err)}\n\n${serviceUsage(service, declaration, summary)}` } };
  }
}

/** For a service's main: answers `--help` (or a bad argument) and exits before anything starts. */
export function exitOnServiceArgs(service: string, declaration: ConfigDeclaration, argv: readonly string[] = process.argv.slice(2), summary?: string): void {
  const { exit } = parseServiceArgs(service, declaration, argv, summary);
  if (!exit) return;
  if (exit.stdout) process.stdout.write(exit.stdout);
  if (exit.stderr) process.stderr.write(exit.stderr);
  process.exit(exit.code);
}

/**
 * A numeric CLI flag: `fallback` when absent; otherwise the number, or `fallback` with a problem
 * naming the flag and what it expected, so a CLI can report every bad flag at once.
 */
export function numberFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  check: (n: number) => boolean,
  expected: string,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) {
    problems.push(`--${flag}: got ${JSON.stringify(raw)}, expected ${expected}`);
    return fallback;
  }
  return n;
}
