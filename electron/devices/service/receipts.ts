import { layoutReceipt } from '../../../shared/receipt/layout';
import { parseReceipt, type Receipt, type ReceiptInput, type Tender } from '../../../shared/receipt/model';
import { previewLayout } from '../../../shared/receipt/preview';
import { type PreviewLineView } from '../../../shared/api/devices';
import { type DevicesSettings } from '../../../shared/devices/settings';
import { type SaleView, type TenderView } from '../../../shared/sales/views';
import { type Settings } from '../../../shared/settings';
import { PosError } from '../../../shared/api/result';
import { encodeLayout, encodeRealtimeDrawerPulse, encodeReceipt } from '../escpos/encode';
import { type PrinterProfile } from '../escpos/profile';
import { type DrawerBytes } from './sinks';

/** Sale views → the receipt model; the printer profile from settings; preview lines. */

export function printerProfile(d: DevicesSettings): PrinterProfile {
  return { paperWidth: d.paperWidth, codepage: d.printerCodepage, twoByteMode: d.printerTwoByteMode, cut: d.printerCut, drawerPin: d.drawerPin, qr: d.printerQr };
}

/** Sale views mask codes as `1345**********6789`; receipts want at least four `*` and at most 6 + 4 digits. */
export function receiptMask(masked: string | null): string {
  const m = /^(\d{0,6})\d*?(\*+)(\d{0,4})$/.exec(masked ?? '');
  if (!m) return '****';
  return `${m[1] ?? ''}${'*'.repeat(Math.max(4, m[2]?.length ?? 0))}${m[3] ?? ''}`;
}

/** Keeps what a receipt's transaction/refund number field accepts: letters, digits, _ and -, at most 64. */
export const receiptTxnId = (id: string | null): string => (id ?? '').replace(/[^0-9A-Za-z_-]/g, '').slice(0, 64);

/** A code tender as a receipt shows it (sale or refund): channel, masked code, the channel's transaction id. */
export function codeTender(t: TenderView, amountFen: number): Extract<Tender, { kind: 'code' }> {
  return { kind: 'code', channel: t.wallet ?? t.gateway ?? 'code', amountFen, maskedCode: receiptMask(t.maskedCode), channelTxnId: receiptTxnId(t.transactionId) };
}

function tender(t: TenderView): Tender {
  if (t.kind === 'cash') return { kind: 'cash', amountFen: t.amountFen, givenFen: t.givenFen ?? t.amountFen, changeFen: t.changeFen ?? 0 };
  return codeTender(t, t.amountFen);
}

export const isReceiptable = (sale: SaleView): boolean => sale.completedAt !== null && ['paid', 'partly_refunded', 'refunded'].includes(sale.status);

export function mustParse(input: ReceiptInput): Receipt {
  const r = parseReceipt(input);
  if (!r.ok) throw new PosError('DEVICE_ERROR', r.error);
  return r.receipt;
}

/** The receipt of a paid sale; `copyNumber` makes it a marked copy. */
export function saleReceipt(sale: SaleView, settings: Settings, cashierName: string, copyNumber?: number): Receipt {
  if (!isReceiptable(sale)) throw new PosError('INVALID_STATE', `sale ${sale.receiptNo} is ${sale.status}: only a paid sale has a receipt`);
  return mustParse({
    kind: copyNumber === undefined ? 'sale' : 'copy',
    ...(copyNumber === undefined ? {} : { copyOf: 'sale' as const, copyNumber }),
    paperWidth: settings.devices.paperWidth,
    locale: settings.ui.locale,
    store: { name: settings.store.name, address: settings.store.address },
    saleNo: sale.receiptNo,
    cashier: (cashierName.trim() || sale.cashierId).slice(0, 32),
    // The till the sale was rung up on (its number says so too), not the id this till has now.
    terminal: sale.terminalId,
    time: sale.completedAt ?? sale.createdAt,
    lines: sale.lines.map((l) => ({ name: l.name.trim() || '-', qty: l.quantity, unitPriceFen: l.unitPriceFen, lineTotalFen: l.totalFen, discountFen: l.discountFen })),
    totals: { subtotalFen: sale.subtotalFen, discountFen: sale.discountFen, totalFen: sale.totalFen },
    tenders: sale.tenders.map(tender),
    training: sale.training,
  });
}

/** A test page: Chinese and Latin text, ￥ amounts, a masked code, a QR and a cut; no cash, so no drawer kick. */
export function testReceipt(settings: Settings, at: string, who: string, n: number): Receipt {
  return mustParse({
    kind: 'sale',
    paperWidth: settings.devices.paperWidth,
    locale: settings.ui.locale,
    store: { name: settings.store.name, address: settings.store.address },
    saleNo: `TEST-${String(n).padStart(4, '0')}`,
    cashier: who.slice(0, 32) || '-',
    terminal: settings.terminal.id,
    time: at,
    lines: [
      { name: '打印测试 Printer test', qty: 1, unitPriceFen: 100, lineTotalFen: 100 },
      { name: '中文宽字符对齐检查：农夫山泉 550ml', qty: 2, unitPriceFen: 250, lineTotalFen: 500 },
    ],
    totals: { subtotalFen: 600, discountFen: 0, totalFen: 600 },
    tenders: [{ kind: 'code', channel: 'wechat', amountFen: 600, maskedCode: '1345****6789', channelTxnId: 'TEST' }],
    footer: '打印正常即可使用 · If this prints cleanly, the printer is ready',
    qr: { payload: `POS-TEST-${settings.terminal.id}-${n}`, caption: 'QR' },
  });
}

/** ESC/POS bytes of a stored receipt for the configured printer. */
export const renderReceipt = (receipt: Receipt, d: DevicesSettings): Buffer => encodeReceipt(receipt, printerProfile(d));

/** Opens the cash drawer on the configured pin (ESC p), printing nothing. */
export const renderDrawerPulse = (d: DevicesSettings): DrawerBytes => {
  const profile = printerProfile(d);
  return { pulse: encodeLayout({ paperWidth: d.paperWidth, columns: 32, ops: [{ op: 'drawer' }] }, profile), realtime: encodeRealtimeDrawerPulse(profile) };
};

/** Monospace preview lines at the configured paper width (what the printer will print). */
export function previewLines(receipt: Receipt, paperWidth: Receipt['paperWidth']): PreviewLineView[] {
  return previewLayout(layoutReceipt({ ...receipt, paperWidth })).map((l) => ({ text: l.text.slice(0, 400), bold: l.bold, size: l.size }));
}

/** Parses a stored receipt (jobs keep the model, so a retry renders exactly the same receipt). */
export function storedReceipt(json: string): Receipt | null {
  try {
    const r = parseReceipt(JSON.parse(json) as unknown);
    return r.ok ? r.receipt : null;
  } catch {
    return null;
  }
}
