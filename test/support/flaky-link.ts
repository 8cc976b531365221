import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP link to `target` that the test can cut (refusing and dropping connections) and restore. */
export class FlakyLink {
  private readonly sockets = new Set<Socket>();
  private down = false;

  private constructor(private readonly server: Server, private readonly target: URL) {}

  static async start(target: URL): Promise<FlakyLink> {
    const server = createServer();
    const link = new FlakyLink(server, target);
    server.on('connection', (socket) => link.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return link;
  }

  get url(): string {
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  private accept(client: Socket): void {
    if (this.down) return void client.destroy();
    const upstream = connect(Number(this.target.port || 80), this.target.hostname);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  }

  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.down = false;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
