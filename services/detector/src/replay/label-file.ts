import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsvLine, PipelineError } from '@telfraud/core';
import { VERDICTS, type AnalystVerdict, type BacktestLabels, type LabelledScenario, type VerdictValue } from './label-backtest.js';
import { printable } from './printable.js';

/** A labels file that cannot be used; `problems` name the line (or JSON path) and field of each. */
export class LabelFileError extends PipelineError {
  constructor(readonly file: string, readonly problems: string[]) {
    super('INPUT_INVALID', `labels file ${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''}`}`);
  }
}

const show = (v: unknown): string => printable(v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v), 80);

/**
 * Reads ground truth for a backtest. Three forms, told apart by content:
 * - the generator's labels.json (`{ "run": ..., "labels": [...] }`, or the bare array);
 * - verdicts as NDJSON, one object a line: `entity_type`, `entity`, `verdict`, optional `rule_id`, `alert_id`;
 * - verdicts as CSV with a header naming those columns (extra columns ignored, RFC 4180 quoting).
 */
export function readLabelFile(file: string): BacktestLabels {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const name = path.basename(file);
  const firstLine = text.split('\n').find((l) => l.trim() !== '')?.trim();
  if (firstLine === undefined) throw new LabelFileError(name, ['empty: no labels or verdicts']);
  let firstValue: unknown;
  try {
    firstValue = JSON.parse(firstLine);
  } catch {
    firstValue = undefined;
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(firstValue) && !('labels' in firstValue)) return verdictsFromNdjson(name, text);
  if (firstLine.startsWith('{') || firstLine.startsWith('[')) return scenariosFromDocument(name, text);
  return verdictsFromCsv(name, text);
}

function scenariosFromDocument(name: string, text: string): BacktestLabels {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const at = /position (\d+)/.exec(msg);
    const where = at ? (() => {
      const before = text.slice(0, Number(at[1]));
      return `line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}: `;
    })() : '';
    throw new LabelFileError(name, [`${where}not JSON: ${printable(msg)}`]);
  }
  const list = Array.isArray(doc) ? doc : (doc as { labels?: unknown } | null)?.labels;
  if (!Array.isArray(list)) throw new LabelFileError(name, ['labels: expected an array of scenario labels (the generator\'s labels.json)']);
  const problems: string[] = [];
  const scenarios: LabelledScenario[] = [];
  list.forEach((raw, i) => {
    const at = `labels[${i}]`;
    const before = problems.length;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${at}: expected an object, got ${show(raw)}`);
      return;
    }
    const l = raw as Record<string, unknown>;
    const str = (field: string): string => {
      const v = l[field];
      if (typeof v !== 'string' || v === '') problems.push(`${at}.${field}: expected a non-empty string, got ${show(v)}`);
      return String(v);
    };
    const scenario = str('scenario');
    if (l['kind'] !== 'fraud' && l['kind'] !== 'legit') problems.push(`${at}.kind: expected "fraud" or "legit", got ${show(l['kind'])}`);
    const start = l['start_ts'] ?? null;
    if (start !== null && !Number.isSafeInteger(start)) problems.push(`${at}.start_ts: expected epoch ms (an integer) or null, got ${show(start)}`);
    const entities = Array.isArray(l['entities']) ? l['entities'] : (problems.push(`${at}.entities: expected an array, got ${show(l['entities'])}`), []);
    entities.forEach((e: unknown, j) => {
      const rec = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
      for (const f of ['entity_type', 'entity']) {
        if (typeof rec[f] !== 'string' || rec[f] === '') problems.push(`${at}.entities[${j}].${f}: expected a non-empty string, got ${show(rec[f])}`);
      }
    });
    const victims = l['victims'] === undefined ? [] : Array.isArray(l['victims']) ? l['victims'] : (problems.push(`${at}.victims: expected an array of numbers as strings, got ${show(l['victims'])}`), []);
    victims.forEach((v: unknown, j) => {
      if (typeof v !== 'string' || v === '') problems.push(`${at}.victims[${j}]: expected a non-empty string, got ${show(v)}`);
    });
    if (problems.length > before) return;
    scenarios.push({
      scenario, kind: l['kind'] as 'fraud' | 'legit', start_ts: start as number | null, victims: victims as string[],
      entities: (entities as { entity_type: string; entity: string }[]).map((e) => ({ entity_type: e.entity_type, entity: e.entity })),
    });
  });
  if (problems.length > 0) throw new LabelFileError(name, problems);
  return { kind: 'scenarios', scenarios };
}

/** Checks one verdict record's fields; `at` is "line N". */
function verdictFrom(rec: Record<string, unknown>, at: string, problems: string[]): AnalystVerdict | undefined {
  const before = problems.length;
  for (const f of ['entity_type', 'entity']) {
    if (typeof rec[f] !== 'string' || rec[f] === '') problems.push(`${at}: field "${f}": expected a non-empty string, got ${show(rec[f])}`);
  }
  const verdict = rec['verdict'];
  if (typeof verdict !== 'string' || !(VERDICTS as readonly string[]).includes(verdict)) {
    problems.push(`${at}: field "verdict": expected one of ${VERDICTS.join(', ')}, got ${show(verdict)}`);
  }
  const optional: Record<string, string> = {};
  for (const f of ['rule_id', 'alert_id']) {
    const v = rec[f];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') problems.push(`${at}: field "${f}": expected a string, got ${show(v)}`);
    else optional[f] = v;
  }
  if (problems.length > before) return undefined;
  return { entity_type: rec['entity_type'] as string, entity: rec['entity'] as string, verdict: verdict as VerdictValue, ...optional };
}

/** Two verdicts on the same target that disagree are an error: which one holds is not ours to guess. */
function checkConflicts(verdicts: { v: AnalystVerdict; line: number }[], problems: string[]): void {
  const seen = new Map<string, { verdict: VerdictValue; line: number }>();
  for (const { v, line } of verdicts) {
    const k = v.alert_id !== undefined ? `alert\u0000${v.alert_id}` : `${v.entity_type}\u0000${v.entity}\u0000${v.rule_id ?? ''}`;
    const was = seen.get(k);
    if (was && was.verdict !== v.verdict) problems.push(`line ${line}: field "verdict": ${v.verdict} contradicts ${was.verdict} on line ${was.line} for the same ${v.alert_id !== undefined ? 'alert' : v.rule_id !== undefined ? 'entity and rule' : 'entity'}`);
    else if (!was) seen.set(k, { verdict: v.verdict, line });
  }
}

function verdictsFromNdjson(name: string, text: string): BacktestLabels {
  const problems: string[] = [];
  const found: { v: AnalystVerdict; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    const lineText = raw.trim();
    if (lineText === '') return;
    let rec: unknown;
    try {
      rec = JSON.parse(lineText);
    } catch (err) {
      problems.push(`line ${i + 1}: not JSON: ${printable((err as Error).message)}`);
      return;
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      problems.push(`line ${i + 1}: expected a JSON object, got ${show(rec)}`);
      return;
    }
    const v = verdictFrom(rec as Record<string, unknown>, `line ${i + 1}`, problems);
    if (v) found.push({ v, line: i + 1 });
  });
  checkConflicts(found, problems);
  if (problems.length > 0) throw new LabelFileError(name, problems);
  return { kind: 'verdicts', verdicts: found.map((f) => f.v) };
}

function verdictsFromCsv(name: string, text: string): BacktestLabels {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  const header = parseCsvLine(lines[headerAt]!)?.map((h) => h.trim().toLowerCase());
  const missing = ['entity_type', 'entity', 'verdict'].filter((c) => !header?.includes(c));
  if (!header || missing.length > 0) {
    throw new LabelFileError(name, [`line ${headerAt + 1}: not a labels document, NDJSON verdicts or a CSV header; a CSV header needs the columns entity_type, entity, verdict (missing: ${missing.join(', ') || 'a readable header'}), got ${show(lines[headerAt])}`]);
  }
  const problems: string[] = [];
  const found: { v: AnalystVerdict; line: number }[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const fields = parseCsvLine(raw);
    if (!fields) {
      problems.push(`line ${i + 1}: unbalanced quotes`);
      continue;
    }
    if (fields.length !== header.length) {
      problems.push(`line ${i + 1}: ${fields.length} fields, the header has ${header.length}`);
      continue;
    }
    const rec = Object.fromEntries(header.map((h, j) => [h, fields[j]]));
    const v = verdictFrom(rec, `line ${i + 1}`, problems);
    if (v) found.push({ v, line: i + 1 });
  }
  checkConflicts(found, problems);
  if (problems.length > 0) throw new LabelFileError(name, problems);
  return { kind: 'verdicts', verdicts: found.map((f) => f.v) };
}
