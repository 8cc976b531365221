import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConfigProblem } from '@telfraud/common';
import { HOOK_ID_PATTERN, type HookKey } from './hook-signature.js';

/** A hook receiver: its id (signed into every request), its URL, its one or two active keys (two during a rotation). */
export interface HookTarget {
  id: string;
  url: string;
  keys: readonly HookKey[];
}

export const MIN_SECRET_LENGTH = 16;
export const MAX_ACTIVE_KEYS = 2;
/** Key id of BLOCKER_WEBHOOK_SECRET, the one-secret form. */
export const DEFAULT_KEY_ID = 'default';

const TARGETS_ENV = 'BLOCKER_WEBHOOK_TARGETS_FILE';

/** True for hosts that never leave the machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** The URL's problem, if any: http(s) only, and https for any host outside loopback. */
export function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'an http(s) URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol !== 'http:') return 'an http(s) URL';
  return isLoopbackHost(parsed.hostname) ? undefined : `https (plain http only to loopback hosts; ${parsed.host} is not one)`;
}

interface TargetsFileKey { id?: unknown; secret_file?: unknown; secret_env?: unknown }
interface TargetsFileTarget { id?: unknown; url?: unknown; keys?: unknown }

/**
 * Targets from BLOCKER_WEBHOOK_TARGETS_FILE: `{"targets": [{"id", "url", "keys": [{"id", "secret_file"
 * | "secret_env"}]}]}`. Secrets are read from the named file (trailing newline dropped) or
 * environment variable, never written in the file itself. Every problem names the target.
 */
export function loadTargetsFile(
  file: string, env: Record<string, string | undefined>, read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): { targets: HookTarget[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const problem = (value: string | undefined, expected: string): void => {
    problems.push({ key: 'webhookTargetsFile', env: TARGETS_ENV, value, expected });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(read(file));
  } catch (err) {
    problem(file, `a readable JSON file (${(err as Error).message})`);
    return { targets: [], problems };
  }
  const list = (parsed as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(list) || list.length === 0) {
    problem(file, '{"targets": [...]} with at least one target');
    return { targets: [], problems };
  }
  const targets: HookTarget[] = [];
  const secretOwners = new Map<string, string>();
  (list as TargetsFileTarget[]).forEach((t, i) => {
    const id = typeof t?.id === 'string' && HOOK_ID_PATTERN.test(t.id) ? t.id : undefined;
    const name = id ?? `#${i + 1}`;
    if (!id) problem(`target ${name}`, `an id matching ${HOOK_ID_PATTERN}`);
    else if (targets.some((x) => x.id === id)) problem(`target ${id}`, 'target ids listed once');
    const url = typeof t?.url === 'string' ? t.url : '';
    const bad = urlProblem(url);
    if (bad) problem(`target ${name}: ${url || '(no url)'}`, bad);
    else if (targets.some((x) => x.url === url)) problem(`target ${name}: ${url}`, 'each URL listed once');
    const keys: HookKey[] = [];
    const rawKeys = Array.isArray(t?.keys) ? (t.keys as TargetsFileKey[]) : [];
    if (rawKeys.length < 1 || rawKeys.length > MAX_ACTIVE_KEYS) problem(`target ${name}`, `1 or ${MAX_ACTIVE_KEYS} keys (two only during a rotation)`);
    for (const k of rawKeys) {
      const keyId = typeof k?.id === 'string' && HOOK_ID_PATTERN.test(k.id) ? k.id : undefined;
      if (!keyId || keys.some((x) => x.id === keyId)) {
        problem(`target ${name}`, `distinct key ids matching ${HOOK_ID_PATTERN}`);
        continue;
      }
      let secret: string | undefined;
      if (typeof k.secret_file === 'string') {
        try {
          secret = read(k.secret_file).replace(/\r?\n$/, '');
        } catch (err) {
          problem(`target ${name} key ${keyId}: ${k.secret_file}`, `a readable secret file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
          continue;
        }
      } else if (typeof k.secret_env === 'string') {
        secret = env[k.secret_env];
      } else {
        problem(`target ${name} key ${keyId}`, 'secret_file or secret_env');
        continue;
      }
      if (secret === undefined || secret.length < MIN_SECRET_LENGTH) {
        problem(`target ${name} key ${keyId}`, `a secret of at least ${MIN_SECRET_LENGTH} characters`);
        continue;
      }
      const owner = secretOwners.get(secret);
      if (owner !== undefined && owner !== name) problem(`target ${name} key ${keyId}`, `a secret of its own (target ${owner} has the same one)`);
      secretOwners.set(secret, name);
      keys.push({ id: keyId, secret });
    }
    if (id && !bad) targets.push({ id, url, keys });
  });
  return { targets, problems };
}

/** Targets of the one-secret form: each URL its own target (id: its host), all signing with BLOCKER_WEBHOOK_SECRET. */
export function targetsFromUrls(urls: readonly string[], secret: string): HookTarget[] {
  return urls.map((url) => ({ id: new URL(url).host, url, keys: [{ id: DEFAULT_KEY_ID, secret }] }));
}
