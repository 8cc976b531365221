import { describe, expect, it } from 'vitest';
import { validateCallEvent, validateSmsEvent, type CallEvent } from '@telfraud/core';
import { callsOf, testRun } from '../test-support/test-runs.js';

// Each check walks a whole simulated run (hundreds of thousands of records): the default 5 s is
// a deadline a loaded 2-core machine can miss with nothing wrong, so give them room.
describe('every emitted record honours the contract', { timeout: 60_000 }, () => {
  const { emissions, labels } = testRun();

  it('passes validateCallEvent / validateSmsEvent', () => {
    let calls = 0;
    let sms = 0;
    for (const e of emissions) {
      const result = e.topic === 'call-events' ? validateCallEvent(e.event) : validateSmsEvent(e.event);
      if (!result.ok) throw new Error(`${e.event.event_id}: ${result.violation.path}: ${result.violation.message}`);
      if (e.topic === 'call-events') calls++;
      else sms++;
    }
    expect(calls).toBeGreaterThan(50_000);
    expect(sms).toBeGreaterThan(1_000);
  });

  it('keeps event ids unique except for duplicates, which repeat the record exactly', () => {
    const seen = new Map<string, string>();
    for (const e of emissions) {
      const json = JSON.stringify(e.event);
      const before = seen.get(e.event.event_id);
      if (before === undefined) {
        expect(e.duplicate).toBe(false);
        seen.set(e.event.event_id, json);
      } else {
        expect(e.duplicate).toBe(true);
        expect(json).toBe(before);
      }
    }
  });

  it('gives every call START, END and ANSWER exactly when connected, with consistent times and codes', () => {
    // Plain checks collected into one list: a few hundred thousand expect() calls would take seconds.
    const problems: string[] = [];
    const check = (ok: boolean, callId: string, what: string): void => {
      if (!ok && problems.length < 20) problems.push(`${callId}: ${what}`);
    };
    let checked = 0;
    labels.forEach((_, scenario) => {
      for (const [callId, events] of callsOf(emissions, scenario)) {
        checked++;
        const byType = (t: CallEvent['type']) => events.filter((e) => e.type === t);
        const starts = byType('START');
        const ends = byType('END');
        const answers = byType('ANSWER');
        const start = starts[0];
        const end = ends[0];
        if (starts.length !== 1 || ends.length !== 1 || !start || !end) {
          check(false, callId, `has ${starts.length} START and ${ends.length} END`);
          continue;
        }
        check(start.duration_ms === null && start.sip_code === null, callId, 'START carries END-only fields');
        check(end.ts >= start.ts, callId, 'END before START');
        if (end.duration_ms! > 0) {
          const answer = answers[0];
          check(end.sip_code === 200, callId, `connected but sip ${end.sip_code}`);
          check(answers.length === 1 && answer !== undefined, callId, `connected with ${answers.length} ANSWER`);
          if (answer) {
            check(end.ts - answer.ts === end.duration_ms, callId, 'duration is not END - ANSWER');
            check(answer.ts >= start.ts, callId, 'ANSWER before START');
            check(answer.duration_ms === null && answer.sip_code === null, callId, 'ANSWER carries END-only fields');
          }
        } else {
          check(end.duration_ms === 0, callId, `unanswered END has duration ${end.duration_ms}`);
          check([404, 480, 486, 487, 603].includes(end.sip_code!), callId, `unanswered with sip ${end.sip_code}`);
          check(answers.length === 0, callId, 'unanswered call has an ANSWER');
        }
        for (const e of events) {
          for (const f of ['calling_number', 'called_number', 'ingress_trunk', 'ingress_country', 'attestation'] as const) {
            check(e[f] === start[f], callId, `${f} differs between events`);
          }
        }
      }
    });
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20_000);
  });
});
