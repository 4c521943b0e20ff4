import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_REFUND, SAMPLE_SALE } from '../shared/receipt/fixtures';
import { receiptSchema } from '../shared/receipt/model';
import { encodeReceipt } from '../electron/devices/escpos/encode';
import { DEFAULT_PRINTER_PROFILE } from '../electron/devices/escpos/profile';
import { SerialScanner } from '../electron/devices/serial/scanner';
import { openSerialPort } from '../electron/devices/serial/supervisor';
import { closeEnd, openEnd, SocatPair, writeEnd } from '../electron/devices/serial/test-pty';
import { nowMs, percentile } from './stats';

const SCAN_ITERATIONS = 300;
const SCAN_WARMUP = 50;
const RENDER_ITERATIONS = 2_000;
/** Untimed runs first: the JIT needs several hundred calls to tier up, and a bench measures steady state. */
const RENDER_WARMUP = 1_000;

/** Bytes written on one end of a socat pty pair → ScanEvent from SerialScanner on the other end. */
async function scanToEvent(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-pty-'));
  const pair = new SocatPair(dir, 'bench');
  await pair.plug();
  const scannerPort = await openSerialPort({ id: 'bench-scanner', path: pair.a, baudRate: 115200 });
  const far = await openEnd(pair.b);
  try {
    let resolveScan: ((at: number) => void) | null = null;
    const scanner = new SerialScanner(scannerPort, {
      deviceId: 'bench-scanner',
      framer: { suffix: 'cr' },
      onScan: () => resolveScan?.(nowMs()),
    });
    const samples: number[] = [];
    for (let i = 0; i < SCAN_ITERATIONS + SCAN_WARMUP; i++) {
      const code = String(134567890123456789n + BigInt(i));
      const arrived = new Promise<number>((resolve) => (resolveScan = resolve));
      const start = nowMs();
      await writeEnd(far, `${code}\r`);
      const end = await arrived;
      if (i >= SCAN_WARMUP) samples.push(end - start);
    }
    scanner.detach();
    return percentile(samples, 99);
  } finally {
    await closeEnd(far);
    await new Promise<void>((resolve) => scannerPort.close(() => resolve()));
    await pair.unplug();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Receipt model (validated) → layout → ESC/POS bytes, native QR. */
function receiptRender(): number {
  const receipts = [receiptSchema.parse(SAMPLE_SALE), receiptSchema.parse(SAMPLE_REFUND)];
  const samples: number[] = [];
  for (let i = 0; i < RENDER_ITERATIONS + RENDER_WARMUP; i++) {
    const receipt = receipts[i % receipts.length];
    if (!receipt) continue;
    const start = nowMs();
    encodeReceipt(receipt, DEFAULT_PRINTER_PROFILE);
    if (i >= RENDER_WARMUP) samples.push(nowMs() - start);
  }
  return percentile(samples, 99);
}

export async function benchDevices(): Promise<Record<string, number>> {
  const receipt_render_ms_p99 = receiptRender();
  const scan_to_event_ms_p99 = await scanToEvent();
  return { scan_to_event_ms_p99, receipt_render_ms_p99 };
}
