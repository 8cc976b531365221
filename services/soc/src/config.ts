import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkConfig, clickhouseSettings, ConfigError, defineConfig, loadConfig, serviceSettings, type ConfigOf,
} from '@telfraud/common';
import { MIN_TOKEN_LENGTH, parseTokenEntries, type TokenEntry } from './access/tokens.js';

/** The soc service's whole configuration, declared once; `process.env` is read only through it. */
export const socSettings = defineConfig({
  ...serviceSettings,
  httpPort: { env: 'SOC_HTTP_PORT', type: 'int', min: 0, max: 65_535, default: 9105, doc: 'Port of the SOC API, the console, /metrics, /healthz and /readyz' },
  tokens: {
    env: 'SOC_TOKENS', type: 'list', minItems: 1, secret: true,
    doc: `API tokens, comma-separated \`name:role:token\` (role viewer, analyst or operator; tokens at least ${MIN_TOKEN_LENGTH} characters)`,
  },
  consoleDir: { env: 'SOC_CONSOLE_DIR', type: 'string', optional: true, doc: 'Folder of the built web console served at `/`; the service\'s own `dist/console/` when unset' },
  pollMs: { env: 'SOC_POLL_MS', type: 'int', min: 100, max: 60_000, default: 1_000, doc: 'How often the live alert stream looks in ClickHouse for new or changed alerts' },
  blockerUrl: { env: 'SOC_BLOCKER_URL', type: 'url', default: 'http://127.0.0.1:9104', doc: 'The blocker\'s HTTP address (its operator API lifts blocks)' },
  blockerOperatorToken: {
    env: 'SOC_BLOCKER_OPERATOR_TOKEN', type: 'string', optional: true, secret: true,
    doc: 'The blocker\'s BLOCKER_OPERATOR_TOKEN; block lifts answer 503 when unset',
  },
  blockerTimeoutMs: { env: 'SOC_BLOCKER_TIMEOUT_MS', type: 'int', min: 100, max: 120_000, default: 10_000, doc: 'Timeout of one request to the blocker' },
  ...clickhouseSettings,
  clickhouseDatabase: { ...clickhouseSettings.clickhouseDatabase, doc: 'Database holding the alerts, victims, block audit, triage and SOC audit tables' },
});

type Settings = ConfigOf<typeof socSettings>;
export type SocConfig = Omit<Settings, 'tokens' | 'consoleDir'> & { tokens: TokenEntry[]; consoleDir: string };

/** The console the build writes beside the service's own code (dist/console). */
export const DEFAULT_CONSOLE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'console');

/** Loads and validates; token entries are checked one by one, named by position and name, never by token. */
export function loadSocConfig(env: Record<string, string | undefined> = process.env): SocConfig {
  const { config: settings, problems } = checkConfig('soc', socSettings, env);
  const s = socSettings;
  const items = (env[s.tokens.env] ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  const tokens = parseTokenEntries(items);
  for (const p of tokens.problems) problems.push({ key: 'tokens', env: s.tokens.env, value: '***', expected: p });
  let operatorToken: string | undefined;
  try {
    operatorToken = loadConfig('soc', { blockerOperatorToken: s.blockerOperatorToken }, env).blockerOperatorToken;
  } catch {
    // Its own problems are reported by the full load above.
  }
  if (operatorToken !== undefined && operatorToken.length < MIN_TOKEN_LENGTH) {
    problems.push({ key: 'blockerOperatorToken', env: s.blockerOperatorToken.env, value: '***', expected: `a token of at least ${MIN_TOKEN_LENGTH} characters` });
  }
  if (problems.length > 0 || !settings) throw new ConfigError('soc', problems);
  return { ...settings, tokens: tokens.entries, consoleDir: settings.consoleDir ?? DEFAULT_CONSOLE_DIR };
}
