import { type MessageKey } from '../i18n/messages';
import { useT } from '../i18n/useT';

/**
 * The confirm step's two buttons (refund, void): confirm (its label says "sending…" while busy) and back.
 * Test ids are `<prefix>-confirm` and `<prefix>-back`.
 */
export function ConfirmButtons(props: {
  prefix: string;
  ready: boolean;
  busy: boolean;
  danger?: boolean;
  labels: { confirm: MessageKey; sending: MessageKey; back: MessageKey };
  onConfirm: () => void;
  onBack: () => void;
}) {
  const t = useT();
  const { prefix, ready, busy, labels } = props;
  return (
    <div className="row">
      <button type="button" className={props.danger ? 'primary danger' : 'primary'} data-testid={`${prefix}-confirm`} disabled={!ready} onClick={props.onConfirm} autoFocus>
        {busy ? t(labels.sending) : t(labels.confirm)}
      </button>
      <button type="button" data-testid={`${prefix}-back`} disabled={busy} onClick={props.onBack}>
        {t(labels.back)}
      </button>
    </div>
  );
}
