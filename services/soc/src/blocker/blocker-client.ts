import { jsonBody, SocApiError } from '../api/api-error.js';

export interface LiftTarget {
  entity_type: string;
  entity: string;
}

export interface BlockerAnswer {
  status: number;
  body: unknown;
}

/**
 * The blocker's operator API, as the SOC uses it: lifting a block on behalf of a named operator
 * (`X-Operator`), with the blocker's own operator token (never the caller's SOC token).
 */
export class BlockerClient {
  constructor(private readonly options: { url: string; token: string | undefined; timeoutMs: number }) {}

  get enabled(): boolean {
    return this.options.token !== undefined;
  }

  async lift(target: LiftTarget, operator: string): Promise<BlockerAnswer> {
    if (!this.options.token) throw new SocApiError(503, 'block lifting disabled: SOC_BLOCKER_OPERATOR_TOKEN is not set');
    let res: Response;
    try {
      res = await fetch(`${this.options.url}/api/v1/blocks/lift`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json', 'x-operator': operator },
        body: JSON.stringify({ entity_type: target.entity_type, entity: target.entity }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new SocApiError(502, 'the blocker did not answer', { cause: err });
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = { error_code: res.status, message: text.slice(0, 500) };
    }
    return { status: res.status, body };
  }
}

/** `{ entity_type, entity }`, both non-empty strings of sane length; 400 naming the field otherwise. */
export function parseLiftTarget(body: Buffer): LiftTarget {
  const v = jsonBody(body, 'JSON { "entity_type": "...", "entity": "..." }');
  const o = (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
  for (const f of ['entity_type', 'entity']) {
    const x = o[f];
    if (typeof x !== 'string' || x.trim() === '' || x.length > 256) throw new SocApiError(400, `bad parameter ${f}: expected a non-empty string of at most 256 characters`, { parameter: f });
  }
  return { entity_type: o['entity_type'] as string, entity: o['entity'] as string };
}
