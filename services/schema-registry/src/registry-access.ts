import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { ConfigError } from '@telfraud/common';
import { RegistryError } from './registry-errors.js';

/**
 * Who may use the registry and how. `users` undefined: no authentication (the local stack). A user
 * marked `readonly` may read and look up, never write; `readOnly` makes the whole registry so, as
 * Confluent's READONLY mode does (a locked-down registry where schemas are registered by a
 * deployment step).
 */
export interface RegistryAccess {
  users: ReadonlyMap<string, { password: string; readOnly: boolean }> | undefined;
  readOnly: boolean;
}

/** The routes that change the registry (`METHOD template`); everything else reads or looks up. */
export const WRITE_ROUTES: ReadonlySet<string> = new Set([
  'POST /subjects/{subject}/versions',
  'DELETE /subjects/{subject}',
  'PUT /config',
  'PUT /config/{subject}',
]);

export const accessErrors = {
  unauthorized: () => new RegistryError(401, 401, 'Unauthorized'),
  forbidden: (user: string, subject: string | undefined) =>
    new RegistryError(403, 40301, `User ${user} is denied operation Write on ${subject === undefined ? 'the registry' : `Subject: ${subject}`}`),
  /** Confluent's answer to a write in READONLY mode: 422, error code 42205 (operation not permitted). */
  readOnly: (subject: string | undefined) =>
    new RegistryError(422, 42205, `${subject === undefined ? 'The registry' : `Subject ${subject}`} is in read-only mode`),
};

/**
 * Users file: one `name:password` or `name:password:readonly` per line; blank lines and `#`
 * comments skipped. The password may hold ':' only when no mode follows (the last field is the
 * mode only if it is `readonly` or `readwrite`).
 */
export function parseUsersFile(text: string, source: string): Map<string, { password: string; readOnly: boolean }> {
  const users = new Map<string, { password: string; readOnly: boolean }>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const first = line.indexOf(':');
    const name = first > 0 ? line.slice(0, first) : '';
    let password = first > 0 ? line.slice(first + 1) : '';
    let readOnly = false;
    const mode = /:(readonly|readwrite)$/.exec(password);
    if (mode) {
      readOnly = mode[1] === 'readonly';
      password = password.slice(0, -mode[0].length);
    }
    if (name === '' || password === '' || users.has(name)) {
      throw new ConfigError('schema-registry', [{
        key: 'usersFile', env: 'SCHEMA_REGISTRY_USERS_FILE', value: `${source} line ${i + 1}`,
        expected: name !== '' && users.has(name) ? `user ${name} listed once` : 'name:password or name:password:readonly',
      }]);
    }
    users.set(name, { password, readOnly });
  });
  return users;
}

export function loadRegistryAccess(config: { usersFile: string | undefined; readOnly: boolean }): RegistryAccess {
  if (config.usersFile === undefined) return { users: undefined, readOnly: config.readOnly };
  let text: string;
  try {
    text = readFileSync(config.usersFile, 'utf8');
  } catch (err) {
    throw new ConfigError('schema-registry', [{
      key: 'usersFile', env: 'SCHEMA_REGISTRY_USERS_FILE', value: config.usersFile, expected: `a readable file (${(err as Error).message})`,
    }]);
  }
  const users = parseUsersFile(text, config.usersFile);
  if (users.size === 0) {
    throw new ConfigError('schema-registry', [{ key: 'usersFile', env: 'SCHEMA_REGISTRY_USERS_FILE', value: config.usersFile, expected: 'at least one user' }]);
  }
  return { users, readOnly: config.readOnly };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Throws the registry error a request earns: 401 without valid basic credentials (when users are
 * configured), then for a write 422/42205 in read-only mode or 403/40301 for a read-only user.
 */
export function checkAccess(access: RegistryAccess, headers: IncomingHttpHeaders, route: string, subject: string | undefined): void {
  let user: { name: string; readOnly: boolean } | undefined;
  if (access.users) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers.authorization ?? '');
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const known = colon > 0 ? access.users.get(decoded.slice(0, colon)) : undefined;
    if (!known || !sameText(known.password, decoded.slice(colon + 1))) throw accessErrors.unauthorized();
    user = { name: decoded.slice(0, colon), readOnly: known.readOnly };
  }
  if (!WRITE_ROUTES.has(route)) return;
  if (access.readOnly) throw accessErrors.readOnly(subject);
  if (user?.readOnly) throw accessErrors.forbidden(user.name, subject);
}
