/**
 * TEST HELPER: the device side of an ESC/POS printer. Feed it the bytes the host sends; it answers
 * DLE EOT 1/2/4 from its current state (unless `silent`) and collects everything else as job bytes.
 */
export type FakePrinterState = { online: boolean; paperEnd: boolean; coverOpen: boolean; paperNearEnd: boolean; silent: boolean };

export class FakePrinterDevice {
  state: FakePrinterState = { online: true, paperEnd: false, coverOpen: false, paperNearEnd: false, silent: false };
  readonly job: number[] = [];
  statusRequests = 0;
  private pending: number[] = [];

  /** Returns the reply bytes for what was received. */
  receive(chunk: Uint8Array): Buffer {
    const replies: number[] = [];
    this.pending.push(...chunk);
    let i = 0;
    while (i < this.pending.length) {
      if (this.pending[i] === 0x10 && this.pending[i + 1] === 0x04) {
        const n = this.pending[i + 2];
        if (n === undefined) break; // wait for the rest
        this.statusRequests++;
        if (!this.state.silent) replies.push(this.reply(n));
        i += 3;
      } else if (this.pending[i] === 0x10 && i + 1 >= this.pending.length) {
        break;
      } else {
        this.job.push(this.pending[i] ?? 0);
        i++;
      }
    }
    this.pending = this.pending.slice(i);
    return Buffer.from(replies);
  }

  private reply(n: number): number {
    const s = this.state;
    const offline = !s.online || s.paperEnd || s.coverOpen;
    if (n === 1) return 0x12 | (offline ? 0x08 : 0);
    if (n === 2) return 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperEnd ? 0x20 : 0);
    if (n === 4) return 0x12 | (s.paperNearEnd || s.paperEnd ? 0x0c : 0) | (s.paperEnd ? 0x60 : 0);
    return 0x12;
  }
}
