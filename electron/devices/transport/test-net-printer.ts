import { createServer, type Server, type Socket } from 'node:net';
import { decodeEscPos } from '../escpos/test-decoder';
import { FakePrinterDevice } from '../serial/test-fake-printer';

/**
 * TEST HELPER: a network ESC/POS printer on 127.0.0.1. Every connection feeds one `FakePrinterDevice`
 * (so `device.job` holds every job byte received, across reconnects) and gets its DLE EOT replies
 * (online / paper end / cover open / silent from `device.state`). `onJobBytes` runs when job bytes arrive
 * (a test may drop the connection there); `stop()` / `restart()` take the printer off and back on the
 * same port.
 */
export class FakeNetPrinter {
  readonly device = new FakePrinterDevice();
  connections = 0;
  onJobBytes: ((socket: Socket) => void) | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(port = 0): Promise<this> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port }, () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.port = address.port;
    this.server = server;
    return this;
  }

  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** Printed lines from job byte `from` on (skip a job cut off mid-command), decoded by the independent oracle. */
  lines(from = 0): string[] {
    return decodeEscPos(Uint8Array.from(this.device.job.slice(from))).lines.map((l) => l.text);
  }

  /** Drops every open connection (the printer reset or the cable was pulled). */
  dropClients(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Takes the printer off the network: no listener, no connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.dropClients();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Back on the same port. */
  async restart(): Promise<void> {
    await this.start(this.port);
  }

  private accept(socket: Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const before = this.device.job.length;
      const reply = this.device.receive(chunk);
      if (this.device.job.length > before && this.onJobBytes) return this.onJobBytes(socket);
      if (reply.length > 0 && !socket.destroyed) socket.write(reply);
    });
  }
}
