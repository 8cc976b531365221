import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_PACK_SOURCE } from './default-rule-pack.js';
import { DEFAULT_SETTINGS, type OtpAfterCallRule, type WindowRule } from './rule-pack.js';
import { RulePackError, validateRulePack, type RulePackProblem } from './rule-pack-validation.js';
import { thrownBy } from '../../../../test/support/thrown-by.js';

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
  return thrownBy(RulePackError, () => validateRulePack(raw)).problems;
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
    expect(pack.settings).toMatchObject({
      allowedLatenessMs: 0, victimMinDurationMs: 90_000, evidenceSize: 3, escalateOnAgreement: false,
      victimLookbackMs: 3_600_000,
    });
  });
});

const deepNot = (depth: number): unknown => {
  let c: unknown = { ref: 'dno' };
  for (let i = 0; i < depth; i++) c = { not: c };
  return c;
};
const withSettings = (settings: Record<string, unknown>) => ({ ...packWith(GOOD_WINDOW), settings });
const manyRules = (n: number) => packWith(...Array.from({ length: n }, (_, i) => ({ ...GOOD_WINDOW, id: `r${i}` })));
const countMeasures = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`m${i}`, { fn: 'count' }]));

describe('validateRulePack: packs that would hurt the service are refused, naming the rule and the field', () => {
  it.each<[string, unknown, string, string, RegExp?]>([
    ['a window of 1000 days', withRule({ window: { type: 'tumbling', size: '1000d' } }), 'fanout', 'window.size', /at most|to 86400000 ms/],
    ['a sliding window of 1000 days', withRule({ window: { type: 'sliding', size: '1000d', hop: '10d' } }), 'fanout', 'window.size'],
    ['a session capped at 1000 days', withRule({ window: { type: 'session', gap: '10m', max: '1000d' } }), 'fanout', 'window.max'],
    ['an allowed lateness of 1000 days', withSettings({ allowedLateness: '1000d' }), 'settings', 'settings.allowedLateness'],
    ['a victim look-back of 1000 days', withSettings({ victimLookback: '1000d' }), 'settings', 'settings.victimLookback'],
    ['a victim follow of 1000 days', withSettings({ victimFollow: '1000d' }), 'settings', 'settings.victimFollow'],
    ['an event-time jump of a day', withSettings({ maxEventTimeJump: '1d' }), 'settings', 'settings.maxEventTimeJump'],
    ['a cooldown of 1000 days', withRule({ cooldown: '1000d' }), 'fanout', 'cooldown'],
    ['an OTP window of 1000 days', packWith({ ...GOOD_OTP, within: '1000d' }), 'otp', 'within'],
    ['a duration that parses to Infinity', withRule({ window: { type: 'tumbling', size: `${'9'.repeat(400)}ms` } }), 'fanout', 'window.size', /duration/],
    ['a settings count out of range', withSettings({ evidenceSize: 1e9 }), 'settings', 'settings.evidenceSize'],
    ['a threshold of 1e308', withRule({ when: [{ measure: 'attempts', op: '>=', value: 1e308 }] }), 'fanout', 'when[0].value', /within/],
    ['a condition number of 1e308', withRule({ filter: { field: 'duration_ms', gt: 1e308 } }), 'fanout', 'filter.gt'],
    ['eq "486" on the numeric sip_code', withRule({ filter: { field: 'sip_code', eq: '486' } }), 'fanout', 'filter.eq', /sip_code is a number/],
    ['in with a string on a numeric field', withRule({ filter: { field: 'duration_ms', in: [0, '60000'] } }), 'fanout', 'filter.in[1]'],
    ['gt on a text field', withRule({ filter: { field: 'calling_number', gt: 4 } }), 'fanout', 'filter.gt', /not a number/],
    ['prefix on a numeric field', withRule({ filter: { field: 'sip_code', prefix: ['4'] } }), 'fanout', 'filter.prefix'],
    ['an enum field compared with an unknown symbol', withRule({ filter: { field: 'attestation', eq: 'D' } }), 'fanout', 'filter.eq', /A, B, C, NONE/],
    ['an enum list with an unknown symbol', withRule({ measures: { n: { fn: 'count', where: { field: 'type', in: ['START', 'BEGIN'] } } }, when: [{ measure: 'n', op: '>', value: 1 }] }), 'fanout', 'measures.n.where.in[1]'],
    ['a number compared with a text field', withRule({ filter: { field: 'calling_number', eq: 447700900001 } }), 'fanout', 'filter.eq', /text/],
    ['an unknown top-level key', { ...packWith(GOOD_WINDOW), rulez: [] }, 'pack', 'rulez', /not a known field/],
    ['an unknown key beside a reference check', withRule({ filter: { ref: 'dno', negate: true } }), 'fanout', 'filter.negate'],
    ['an unknown key beside all', withRule({ filter: { all: [{ ref: 'dno' }], any: [{ ref: 'dno' }] } }), 'fanout', 'filter.any'],
    ['an unknown key in a threshold', withRule({ when: [{ measure: 'attempts', op: '>=', value: 1, unit: 'calls' }] }), 'fanout', 'when[0].unit'],
    ['a window key of another window type', withRule({ window: { type: 'tumbling', size: '1m', hop: '10s' } }), 'fanout', 'window.hop'],
    ['not nested 5,000 deep', withRule({ filter: deepNot(5_000) }), 'fanout', 'filter', /deeper than 8/],
    ['conditions nested 9 deep', withRule({ filter: deepNot(8) }), 'fanout', 'filter', /deeper/],
    ['1,000 rules', manyRules(1_000), 'pack', 'rules', /at most 200/],
    ['17 measures', withRule({ measures: countMeasures(17), when: [{ measure: 'm0', op: '>', value: 1 }] }), 'fanout', 'measures', /at most 16/],
    ['17 thresholds', withRule({ when: Array.from({ length: 17 }, () => ({ measure: 'attempts', op: '>', value: 1 })) }), 'fanout', 'when', /at most 16/],
    ['101 conditions in one rule', withRule({ filter: { any: Array.from({ length: 100 }, () => ({ ref: 'dno' })) } }), 'fanout', 'filter', /more than 100 conditions/],
    ['a list of 1,001 values', withRule({ filter: { field: 'ingress_trunk', in: Array.from({ length: 1_001 }, (_, i) => `t${i}`) } }), 'fanout', 'filter.in', /at most 1000/],
    ['a non-boolean enabled', withRule({ enabled: 'no' }), 'fanout', 'enabled'],
    ['dropDigits of 0', withRule({ measures: { d: { fn: 'distinct', field: 'calling_number', dropDigits: 0 } }, when: [{ measure: 'd', op: '>', value: 1 }] }), 'fanout', 'measures.d.dropDigits', /1 to 8/],
    ['dropDigits of 9', withRule({ measures: { d: { fn: 'distinct_ratio', field: 'calling_number', dropDigits: 9 } }, when: [{ measure: 'd', op: '>', value: 1 }] }), 'fanout', 'measures.d.dropDigits'],
    ['dropDigits on a count', withRule({ measures: { d: { fn: 'count', dropDigits: 2 } }, when: [{ measure: 'd', op: '>', value: 1 }] }), 'fanout', 'measures.d.dropDigits', /not a known field/],
  ])('%s', (_why, raw, rule, path, msg) => {
    const ps = problems(raw);
    const p = ps.find((x) => x.rule === rule && x.path === path);
    expect(p, JSON.stringify(ps).slice(0, 2_000)).toBeDefined();
    if (msg) expect(p!.message).toMatch(msg);
  });

  it('accepts the limits themselves, dropDigits 1..8 and the neighbour_cli reference check', () => {
    const pack = validateRulePack({
      ...packWith({
        ...GOOD_WINDOW,
        filter: deepNot(7),
        window: { type: 'sliding', size: '24h', hop: '4m' },
        measures: { ...countMeasures(14), blocks: { fn: 'distinct', field: 'calling_number', dropDigits: 8 }, near: { fn: 'count', where: { ref: 'neighbour_cli' } } },
        when: [{ measure: 'blocks', op: '>=', value: 1e9 }],
      }, ...Array.from({ length: 199 }, (_, i) => ({ ...GOOD_WINDOW, id: `r${i}` }))),
      settings: { allowedLateness: '1h', victimFollow: '7d', maxEventTimeJump: '5m' },
    });
    expect(pack.rules).toHaveLength(200);
    expect((pack.rules[0] as WindowRule).measures['blocks']).toEqual({ fn: 'distinct', field: 'calling_number', dropDigits: 8 });
    expect(pack.settings).toMatchObject({ allowedLatenessMs: 3_600_000, maxEventTimeJumpMs: 300_000 });
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
    ['non-string prefix', withRule({ filter: { field: 'calling_number', prefix: [44] } }), 'fanout', 'filter.prefix[0]'],
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

describe('validateRulePack: durations carry their unit', () => {
  it('still reads a bare number as milliseconds, telling the caller which rule and field to fix', () => {
    const notices: string[] = [];
    const pack = validateRulePack(withRule({ window: { type: 'tumbling', size: 300_000 } }), { onDeprecated: (n) => notices.push(n) });
    expect((pack.rules[0] as WindowRule).window).toEqual({ type: 'tumbling', sizeMs: 300_000 });
    expect(notices).toEqual(['rule fanout: window.size: the duration 300000 has no unit and is read as 300000ms; write "300000ms" (a bare number is deprecated)']);
  });

  it('the default pack uses no deprecated spelling', () => {
    const notices: string[] = [];
    validateRulePack(DEFAULT_RULE_PACK_SOURCE, { onDeprecated: (n) => notices.push(n) });
    expect(notices).toEqual([]);
  });
});
