import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_PACK_SOURCE } from './default-rule-pack.js';
import { DEFAULT_SETTINGS, type OtpAfterCallRule, type WindowRule } from './rule-pack.js';
import { RulePackError, validateRulePack, type RulePackProblem } from './rule-pack-validation.js';

const GOOD_WINDOW = {
  id: 'fanout',
  severity: 'HIGH',
  key: ['ingress_trunk'],
  filter: { not: { field: 'attestation', eq: 'A' } },
  window: { type: 'sliding', size: '60s', hop: '5s' },
  measures: {
    attempts: { fn: 'count', where: { field: 'type', eq: 'START' } },
    callees: { fn: 'distinct_ratio', field: 'called_number' },
    answer_rate: { fn: 'ratio', numerator: { field: 'type', eq: 'ANSWER' }, denominator: { field: 'type', eq: 'START' } },
    talk: { fn: 'avg', field: 'duration_ms', where: { field: 'type', eq: 'END' } },
  },
  when: [{ measure: 'attempts', op: '>=', value: 20 }, { measure: 'answer_rate', op: '<', value: 0.3 }],
};
const GOOD_OTP = { id: 'otp', type: 'otp_after_call', severity: 'CRITICAL', within: '15m', suspicious: { ref: 'dno' } };
const packWith = (...rules: unknown[]) => ({ version: 1, name: 'p', rules });
const withRule = (patch: Record<string, unknown>) => packWith({ ...GOOD_WINDOW, ...patch });

function problems(raw: unknown): RulePackProblem[] {
  try {
    validateRulePack(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(RulePackError);
    return (err as RulePackError).problems;
  }
  throw new Error('expected the pack to be rejected');
}

describe('validateRulePack: good packs', () => {
  it('accepts the default pack source', () => {
    const pack = validateRulePack(DEFAULT_RULE_PACK_SOURCE);
    expect(pack.rules.map((r) => r.id)).toEqual(DEFAULT_RULE_PACK_SOURCE.rules.map((r) => r.id));
    expect(pack.settings.allowedLatenessMs).toBe(180_000);
  });

  it('parses a window rule into milliseconds and typed parts, with defaults', () => {
    const pack = validateRulePack(packWith(GOOD_WINDOW, GOOD_OTP));
    const w = pack.rules[0] as WindowRule;
    expect(w).toMatchObject({
      id: 'fanout', type: 'window', severity: 'HIGH', enabled: true, key: ['ingress_trunk'],
      window: { type: 'sliding', sizeMs: 60_000, hopMs: 5_000 }, cooldownMs: 900_000, victims: true, description: '',
    });
    expect(Object.keys(w.measures)).toEqual(['attempts', 'callees', 'answer_rate', 'talk']);
    expect(w.when).toEqual(GOOD_WINDOW.when);
    const o = pack.rules[1] as OtpAfterCallRule;
    expect(o).toMatchObject({ id: 'otp', type: 'otp_after_call', withinMs: 900_000, cooldownMs: 3_600_000, suspicious: { ref: 'dno' } });
    expect(pack.settings).toEqual(DEFAULT_SETTINGS);
    expect(pack.name).toBe('p');
  });

  it.each([
    [{ type: 'tumbling', size: '5m' }, { type: 'tumbling', sizeMs: 300_000 }],
    [{ type: 'session', gap: '30m', max: '6h' }, { type: 'session', gapMs: 1_800_000, maxMs: 21_600_000 }],
    [{ type: 'session', gap: '10m' }, { type: 'session', gapMs: 600_000, maxMs: 86_400_000 }],
    [{ type: 'sliding', size: '10m' }, { type: 'sliding', sizeMs: 600_000, hopMs: 5_000 }],
  ])('window %j → %j', (window, expected) => {
    expect((validateRulePack(withRule({ window })).rules[0] as WindowRule).window).toEqual(expected);
  });

  it('reads settings, a single-field key, a composite key and opt-outs', () => {
    const pack = validateRulePack({
      ...packWith({ ...GOOD_WINDOW, key: 'calling_number', enabled: false, victims: false, cooldown: '5m' }, { ...GOOD_WINDOW, id: 'pair', key: ['ingress_trunk', 'calling_number'] }),
      settings: { allowedLateness: '0s', victimMinDuration: '90s', evidenceSize: 3, escalateOnAgreement: false },
    });
    expect(pack.rules[0]).toMatchObject({ key: ['calling_number'], enabled: false, victims: false, cooldownMs: 300_000 });
    expect(pack.rules[1]).toMatchObject({ key: ['ingress_trunk', 'calling_number'] });
    expect(pack.settings).toMatchObject({ allowedLatenessMs: 0, victimMinDurationMs: 90_000, evidenceSize: 3, escalateOnAgreement: false, victimLookbackMs: 3_600_000 });
  });
});

describe('validateRulePack: bad packs name the rule and the field path', () => {
  it.each<[string, unknown, string, string, RegExp?]>([
    ['unknown call-event field in the key', withRule({ key: ['caller'] }), 'fanout', 'key[0]', /call-event field/],
    ['unknown call-event field in a filter', withRule({ filter: { field: 'cli', eq: 'x' } }), 'fanout', 'filter.field'],
    ['unknown rule property (typo)', withRule({ filtr: { ref: 'dno' } }), 'fanout', 'filtr', /not a known field/],
    ['unknown window property', withRule({ window: { type: 'sliding', size: '60s', hopp: '5s' } }), 'fanout', 'window.hopp'],
    ['unknown measure property', withRule({ measures: { n: { fn: 'count', wehre: { ref: 'dno' } } }, when: [{ measure: 'n', op: '>', value: 1 }] }), 'fanout', 'measures.n.wehre'],
    ['bad duration', withRule({ window: { type: 'sliding', size: '60x', hop: '5s' } }), 'fanout', 'window.size', /duration/],
    ['zero duration', withRule({ window: { type: 'tumbling', size: 0 } }), 'fanout', 'window.size'],
    ['hop not dividing size', withRule({ window: { type: 'sliding', size: '60s', hop: '7s' } }), 'fanout', 'window.hop', /divide/],
    ['too many buckets', withRule({ window: { type: 'sliding', size: '1h', hop: '1s' } }), 'fanout', 'window.hop', /360/],
    ['unknown window type', withRule({ window: { type: 'hopping', size: '60s' } }), 'fanout', 'window.type'],
    ['session without gap', withRule({ window: { type: 'session' } }), 'fanout', 'window.gap'],
    ['`when` naming an undeclared measure', withRule({ when: [{ measure: 'calls', op: '>=', value: 1 }] }), 'fanout', 'when[0].measure', /"calls"/],
    ['`when` naming an inherited property', withRule({ when: [{ measure: 'toString', op: '>=', value: 1 }] }), 'fanout', 'when[0].measure'],
    ['bad comparison', withRule({ when: [{ measure: 'attempts', op: '==', value: 1 }] }), 'fanout', 'when[0].op'],
    ['non-numeric threshold', withRule({ when: [{ measure: 'attempts', op: '>', value: '20' }] }), 'fanout', 'when[0].value'],
    ['empty when', withRule({ when: [] }), 'fanout', 'when'],
    ['no measures', withRule({ measures: {} }), 'fanout', 'measures'],
    ['unknown aggregate', withRule({ measures: { attempts: { fn: 'median', field: 'duration_ms' } } }), 'fanout', 'measures.attempts.fn'],
    ['sum over a text field', withRule({ measures: { attempts: { fn: 'sum', field: 'called_number' } } }), 'fanout', 'measures.attempts.field'],
    ['distinct without field', withRule({ measures: { attempts: { fn: 'distinct' } } }), 'fanout', 'measures.attempts.field'],
    ['ratio without numerator', withRule({ measures: { attempts: { fn: 'ratio' } } }), 'fanout', 'measures.attempts.numerator'],
    ['nested empty in', withRule({ filter: { all: [{ ref: 'dno' }, { field: 'attestation', in: [] }] } }), 'fanout', 'filter.all[1].in'],
    ['empty any', withRule({ filter: { any: [] } }), 'fanout', 'filter.any'],
    ['unknown ref', withRule({ filter: { not: { ref: 'blocklist' } } }), 'fanout', 'filter.not.ref'],
    ['numeric op with a string', withRule({ filter: { field: 'duration_ms', gt: '60s' } }), 'fanout', 'filter.gt'],
    ['two operators', withRule({ filter: { field: 'type', eq: 'START', ne: 'END' } }), 'fanout', 'filter'],
    ['non-string prefix', withRule({ filter: { field: 'calling_number', prefix: [44] } }), 'fanout', 'filter.prefix'],
    ['too many key fields', withRule({ key: ['ingress_trunk', 'calling_number', 'called_number', 'attestation'] }), 'fanout', 'key'],
    ['bad severity', withRule({ severity: 'URGENT' }), 'fanout', 'severity'],
    ['bad cooldown', withRule({ cooldown: '500ms' }), 'fanout', 'cooldown'],
    ['unknown rule type', withRule({ type: 'threshold' }), 'fanout', 'type'],
    ['bad OTP window', packWith({ ...GOOD_OTP, within: 'soon' }), 'otp', 'within'],
    ['bad OTP suspicious', packWith({ ...GOOD_OTP, suspicious: { ref: 'nope' } }), 'otp', 'suspicious.ref'],
    ['unknown OTP property', packWith({ ...GOOD_OTP, window: '10m' }), 'otp', 'window'],
    ['bad id (named by index)', withRule({ id: 'Bad Id' }), '#0', 'id'],
    ['non-object rule', packWith('rule'), '#0', ''],
    ['bad settings duration', { ...packWith(GOOD_WINDOW), settings: { allowedLateness: 'late' } }, 'settings', 'settings.allowedLateness'],
    ['bad settings count', { ...packWith(GOOD_WINDOW), settings: { evidenceSize: -1 } }, 'settings', 'settings.evidenceSize'],
    ['unknown setting', { ...packWith(GOOD_WINDOW), settings: { lateness: '1m' } }, 'settings', 'settings.lateness'],
    ['wrong version', { ...packWith(GOOD_WINDOW), version: 2 }, 'pack', 'version'],
    ['rules not an array', { version: 1, rules: {} }, 'pack', 'rules'],
  ])('%s', (_why, raw, rule, path, msg) => {
    const ps = problems(raw);
    const p = ps.find((x) => x.rule === rule && x.path === path);
    expect(p, JSON.stringify(ps)).toBeDefined();
    if (msg) expect(p!.message).toMatch(msg);
  });

  it('rejects duplicate ids, naming the id', () => {
    expect(problems(packWith(GOOD_WINDOW, GOOD_OTP, { ...GOOD_WINDOW }))).toEqual([
      { rule: 'fanout', path: 'id', message: 'is used by another rule' },
    ]);
  });

  it('rejects a non-object pack', () => {
    expect(problems([])).toEqual([{ rule: 'pack', path: '', message: 'must be a JSON object' }]);
  });

  it('collects every problem of every rule into one error whose message lists them', () => {
    const raw = packWith(
      { ...GOOD_WINDOW, window: { type: 'sliding', size: '60s', hop: '7s' } },
      { ...GOOD_WINDOW, id: 'second', when: [{ measure: 'nope', op: '>', value: 1 }], severity: 'x' },
    );
    const ps = problems(raw);
    expect(ps.map((p) => `${p.rule}:${p.path}`)).toEqual(['fanout:window.hop', 'second:when[0].measure', 'second:severity']);
    expect(() => validateRulePack(raw)).toThrow(/rule fanout: window\.hop: .*\n.*rule second: when\[0\]\.measure/);
  });
});
