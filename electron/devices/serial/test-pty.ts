import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

/** TEST HELPER: polls a condition until a deadline (no fixed sleeps). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * TEST HELPER: a virtual null-modem cable, `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`.
 * `unplug()` kills socat (both ends see a hang-up, like pulling a USB-serial adapter); `plug()` restarts it
 * with the same link paths.
 */
export class SocatPair {
  private child: ChildProcess | null = null;
  readonly a: string;
  readonly b: string;

  constructor(dir: string, name = 'tty') {
    this.a = join(dir, `${name}-a`);
    this.b = join(dir, `${name}-b`);
  }

  async plug(): Promise<void> {
    if (this.child) return;
    const child = spawn('socat', [`pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await waitFor(() => existsSync(this.a) && existsSync(this.b), 'socat links');
  }

  async unplug(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
    await waitFor(() => !existsSync(this.a) && !existsSync(this.b), 'socat links removed');
  }
}

/** TEST HELPER: opens the far end of a pair as a plain SerialPort. */
export function openEnd(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
    port.on('error', () => undefined);
    port.open((err) => (err ? reject(err) : resolve(port)));
  });
}

export function closeEnd(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

export function writeEnd(port: SerialPort, data: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    port.write(data, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
  });
}
