import { type PreviewLineView } from '../../shared/api/devices';

/**
 * A receipt as it will print: the host's preview lines in a monospace column as wide as the paper.
 * `double` lines hold half the columns and are drawn at twice the size, like the printer does.
 */
export function ReceiptPreview({ lines, paperWidth }: { lines: readonly PreviewLineView[]; paperWidth: 58 | 80 }) {
  return (
    <pre className={`receipt-preview paper-${paperWidth}`} data-testid="receipt-preview" aria-label="receipt preview">
      {lines.map((l, i) => (
        <div key={i} className={`line size-${l.size}${l.bold ? ' bold' : ''}`}>
          {l.text === '' ? '\u00a0' : l.text}
        </div>
      ))}
    </pre>
  );
}
