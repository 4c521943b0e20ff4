import { columnsFor, formatRow, layoutReceipt, renderTextLine, type ReceiptLayout, type TextSize } from './layout';
import { type Receipt } from './model';
import { padToWidth, truncateToWidth } from './width';

/**
 * The receipt as monospace text lines for an on-screen preview, from the same layout ops as the printout.
 * A `double` line has half the columns and is meant to be shown at twice the font size; cut and drawer
 * ops print nothing; the QR shows as a labelled box.
 */
export type PreviewLine = { text: string; bold: boolean; size: TextSize };

export function previewLayout(layout: ReceiptLayout): PreviewLine[] {
  const cols = layout.columns;
  const out: PreviewLine[] = [];
  for (const op of layout.ops) {
    switch (op.op) {
      case 'text':
        out.push({ text: renderTextLine(op, cols), bold: op.bold, size: op.size });
        break;
      case 'row':
        out.push({ text: formatRow(op.left, op.right, columnsFor(cols, op.size)), bold: op.bold, size: op.size });
        break;
      case 'separator':
        out.push({ text: op.char.repeat(cols), bold: false, size: 'normal' });
        break;
      case 'feed':
        for (let i = 0; i < op.lines; i++) out.push({ text: '', bold: false, size: 'normal' });
        break;
      case 'qr': {
        const label = truncateToWidth(`[QR] ${op.payload}`, cols - 4);
        out.push({ text: padToWidth(label, cols, 'center'), bold: false, size: 'normal' });
        break;
      }
      case 'cut':
      case 'drawer':
        break;
    }
  }
  return out;
}

/** Convenience: receipt → plain text lines. */
export function previewReceipt(receipt: Receipt): string[] {
  return previewLayout(layoutReceipt(receipt)).map((l) => l.text);
}
