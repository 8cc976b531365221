import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Each role includes the ones before it. */
export const ROLES = ['viewer', 'analyst', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  name: string;
  role: Role;
}

export const MIN_TOKEN_LENGTH = 16;
const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

export interface TokenEntry extends Principal {
  token: string;
}

/**
 * Parses `SOC_TOKENS` items (`name:role:token`; the token may itself hold ':'). A problem names
 * the entry by position and name, never by its token.
 */
export function parseTokenEntries(items: readonly string[]): { entries: TokenEntry[]; problems: string[] } {
  const entries: TokenEntry[] = [];
  const problems: string[] = [];
  const seenTokens = new Set<string>();
  items.forEach((item, i) => {
    const first = item.indexOf(':');
    const second = first === -1 ? -1 : item.indexOf(':', first + 1);
    const name = first === -1 ? '' : item.slice(0, first).trim();
    const at = `entry ${i + 1}${NAME.test(name) ? ` (${name})` : ''}`;
    if (second === -1) {
      problems.push(`${at}: not name:role:token`);
      return;
    }
    const role = item.slice(first + 1, second).trim();
    const token = item.slice(second + 1).trim();
    if (!NAME.test(name)) problems.push(`${at}: name must be 1-64 of A-Z a-z 0-9 _ . @ -`);
    if (!(ROLES as readonly string[]).includes(role)) problems.push(`${at}: role must be one of ${ROLES.join(', ')}`);
    if (token.length < MIN_TOKEN_LENGTH) problems.push(`${at}: token shorter than ${MIN_TOKEN_LENGTH} characters`);
    else if (seenTokens.has(token)) problems.push(`${at}: token already used by an earlier entry`);
    seenTokens.add(token);
    entries.push({ name, role: role as Role, token });
  });
  return { entries: problems.length === 0 ? entries : [], problems };
}

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Who a bearer token belongs to; every configured token is compared in constant time. */
export class TokenDirectory {
  private readonly entries: { digest: Buffer; principal: Principal }[];

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries.map((e) => ({ digest: digest(e.token), principal: { name: e.name, role: e.role } }));
  }

  authenticate(headers: IncomingHttpHeaders): Principal | undefined {
    const header = headers['authorization'];
    if (typeof header !== 'string') return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) return undefined;
    const given = digest(m[1]);
    let found: Principal | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, given)) found = e.principal;
    return found;
  }
}
