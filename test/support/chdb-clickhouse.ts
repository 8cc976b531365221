import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'chdb';

/**
 * A current ClickHouse embedded in the test process (chdb, the ClickHouse engine as a library),
 * answering the part of ClickHouse's HTTP interface the services' @clickhouse/client uses: the
 * statement in the `query` parameter and/or the body, `database`, errors as HTTP 500 with
 * ClickHouse's own message. The services' real stores connect to `url` unchanged, so their inserts
 * and queries run on the real current engine. Other URL parameters (settings, query ids) are ignored.
 * With `credentials`, a request must carry them (HTTP basic auth or X-ClickHouse-User/-Key), as a
 * server with a password on its user does (516 AUTHENTICATION_FAILED otherwise).
 */
export class EmbeddedClickHouse {
  private current = '';
  private server: Server | undefined;
  url = '';

  private constructor(private readonly session: Session) {}

  static async start(credentials?: { user: string; password: string }): Promise<EmbeddedClickHouse> {
    const ch = new EmbeddedClickHouse(new Session());
    const authorised = (headers: IncomingHttpHeaders): boolean => {
      if (!credentials) return true;
      const basic = /^Basic (.+)$/.exec(headers.authorization ?? '')?.[1];
      const [user, ...rest] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [headers['x-clickhouse-user'], headers['x-clickhouse-key']];
      const password = basic ? rest.join(':') : rest[0];
      return user === credentials.user && password === credentials.password;
    };
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const params = new URL(req.url ?? '/', 'http://x').searchParams;
        const body = Buffer.concat(chunks).toString('utf8');
        const query = params.get('query');
        const sql = query === null ? body : body.length > 0 ? `${query}\n${body}` : query;
        if (req.url?.startsWith('/ping')) {
          res.end('Ok.\n');
          return;
        }
        if (!authorised(req.headers)) {
          res.writeHead(516, { 'Content-Type': 'text/plain; charset=UTF-8' });
          res.end('Code: 516. DB::Exception: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)');
          return;
        }
        try {
          const out = sql.trim().length === 0 ? '' : ch.query(sql, 'TabSeparated', params.get('database') ?? undefined);
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Summary': '{}' });
          res.end(out);
        } catch (err) {
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=UTF-8' });
          res.end((err as Error).message.replace(/^Query failed: /, ''));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ch.server = server;
    ch.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return ch;
  }

  /** Runs one statement on the engine, in `database` when given; `format` applies when the SQL names none. */
  query(sql: string, format = 'TabSeparated', database?: string): string {
    if (database !== undefined && database !== this.current) {
      this.session.query(`USE ${database}`);
      this.current = database;
    }
    return this.session.query(sql, format);
  }

  /** Rows of a SELECT (JSONEachRow). */
  rows<T = Record<string, unknown>>(sql: string, database?: string): T[] {
    return this.query(sql, 'JSONEachRow', database).split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as T);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.session.cleanup();
  }
}
