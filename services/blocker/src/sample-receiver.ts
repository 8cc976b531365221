import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BlockAction } from './core/decision.js';
import {
  ATTEMPT_HEADER, DEFAULT_TOLERANCE_MS, IDEMPOTENCY_HEADER, KEY_ID_HEADER, SIGNATURE_HEADER, verifyHook, type HookKey,
} from './hook-signature.js';
import { DEFAULT_KEY_ID } from './webhook-targets.js';

/** One request the receiver answered. */
export interface ReceivedRequest {
  status: number;
  /** `applied`, `duplicate`, or why it was refused (`missing`, `malformed`, `stale`, `unknown key`, `mismatch`, `bad body`, `refused`). */
  outcome: string;
  idempotencyKey: string | undefined;
  action: BlockAction | undefined;
  rawBody: string;
  signature: string | undefined;
  keyIds: string | undefined;
  /** The delivery-attempt header, as a number (undefined when absent). */
  attempt: number | undefined;
  receivedAt: number;
}

export interface SampleReceiverOptions {
  /** This receiver's keys (two during a rotation), or the one secret of BLOCKER_WEBHOOK_URLS (key id `default`). */
  keys?: readonly HookKey[];
  secret?: string;
  /** This receiver's target id; default its host:port, the id the blocker gives a BLOCKER_WEBHOOK_URLS entry. */
  targetId?: string;
  host?: string;
  port?: number;
  toleranceMs?: number;
  /** Return a status to answer instead of applying (e.g. 400 for an action the switch cannot take). */
  refuse?: (action: BlockAction) => number | undefined;
}

/**
 * A reference hook receiver, as a switch vendor would write one: read the raw body, verify the
 * signature (with its own target id, the method and path it was called with) and its age, refuse
 * anything else with 401, apply each idempotency key once and answer
 * later copies 200 `duplicate`. The integration tests run it; the README shows the same steps.
 */
export class SampleReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly applied = new Set<string>();
  private server: http.Server;
  private boundPort = 0;

  private constructor(private readonly options: SampleReceiverOptions) {
    this.server = this.createServer();
  }

  static async start(options: SampleReceiverOptions): Promise<SampleReceiver> {
    const r = new SampleReceiver(options);
    await r.listen(options.port ?? 0);
    return r;
  }

  get url(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.boundPort}/hooks/telfraud`;
  }

  get targetId(): string {
    return this.options.targetId ?? `${this.options.host ?? '127.0.0.1'}:${this.boundPort}`;
  }

  private get keys(): readonly HookKey[] {
    return this.options.keys ?? (this.options.secret === undefined ? [] : [{ id: DEFAULT_KEY_ID, secret: this.options.secret }]);
  }

  /** Actions applied (first copy of each idempotency key). */
  get actions(): BlockAction[] {
    return this.requests.filter((r) => r.outcome === 'applied' && r.action).map((r) => r.action as BlockAction);
  }

  /** Goes away (connections refused) until `start()`; what it applied is remembered. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Comes back on the same port. */
  async restart(): Promise<void> {
    this.server = this.createServer();
    await this.listen(this.boundPort);
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private createServer(): http.Server {
    return http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const { status, outcome, action } = this.handle(req, raw);
        this.requests.push({
          status, outcome, action, idempotencyKey: header(req, IDEMPOTENCY_HEADER), rawBody: raw.toString('utf8'),
          signature: header(req, SIGNATURE_HEADER), keyIds: header(req, KEY_ID_HEADER), attempt: attemptOf(header(req, ATTEMPT_HEADER)), receivedAt: Date.now(),
        });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: outcome }));
      });
    });
  }

  private handle(req: http.IncomingMessage, raw: Buffer): { status: number; outcome: string; action?: BlockAction } {
    // 1. The signature, over the exact bytes received, before the body is even parsed.
    const check = verifyHook(
      this.keys, { targetId: this.targetId, method: req.method ?? '', path: req.url ?? '' },
      { signature: header(req, SIGNATURE_HEADER), keyIds: header(req, KEY_ID_HEADER) }, raw, this.options.toleranceMs ?? DEFAULT_TOLERANCE_MS, Date.now(),
    );
    if (!check.ok) return { status: 401, outcome: check.reason };
    let action: BlockAction;
    try {
      action = JSON.parse(raw.toString('utf8')) as BlockAction;
    } catch {
      return { status: 400, outcome: 'bad body' };
    }
    // 2. The idempotency key: each action is applied once, however often it is delivered.
    const key = header(req, IDEMPOTENCY_HEADER);
    if (!key || key !== action.idempotency_key) return { status: 400, outcome: 'bad body', action };
    if (this.applied.has(key)) return { status: 200, outcome: 'duplicate', action };
    const refused = this.options.refuse?.(action);
    if (refused !== undefined) return { status: refused, outcome: 'refused', action };
    // 3. Apply (a real switch would program its block list here), then remember the key.
    this.applied.add(key);
    return { status: 200, outcome: 'applied', action };
  }
}

function attemptOf(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
