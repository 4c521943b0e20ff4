import { type HandlerMap, type HostContext, requireSession } from '../context';
import { appendAudit } from '../../services/audit';
import { saveSettingsPatch, setSecret } from '../../services/settings-store';
import { isoAt } from '../../clock';
import { flaggedEntries, requeueFlagged } from '../../sync/outbox';
import { SYNC_SECRET_KEY, type SyncWorker } from '../../sync/worker';

type SyncMethods = 'sync.status' | 'sync.now' | 'sync.configure' | 'sync.parked' | 'sync.requeue';

export function syncHandlers(ctx: HostContext, worker: SyncWorker): HandlerMap<SyncMethods> {
  return {
    'sync.status': () => worker.status(),
    'sync.now': async () => {
      await worker.runNow();
      return worker.status();
    },
    'sync.configure': (input, call) => {
      const session = requireSession(call);
      const { secret, ...sync } = input;
      const at = isoAt(ctx.clock);
      const next = ctx.db.transaction(() => {
        const saved = saveSettingsPatch(ctx.db, ctx.settings(), { sync }, at);
        if (secret !== undefined) setSecret(ctx.db, SYNC_SECRET_KEY, secret, at);
        // The secret itself is never audited or logged, only that it changed.
        appendAudit(ctx.db, at, session.user.id, 'sync.configure', { hqUrl: saved.sync.hqUrl, secretChanged: secret !== undefined });
        return saved;
      })();
      ctx.replaceSettings(next);
      ctx.events.emit('settings.changed', next);
      void worker.runNow();
      // Ask the new HQ now: the indicator follows the new settings at once and the probe timer restarts.
      void ctx.connectivity.probeNow();
      return worker.status();
    },
    'sync.parked': (input) => flaggedEntries(ctx.db, input.limit),
    'sync.requeue': async (input, call) => {
      const session = requireSession(call);
      const at = isoAt(ctx.clock);
      const requeued = ctx.db.transaction(() => {
        const seqs = requeueFlagged(ctx.db, input.seqs, `sent again by ${session.user.id} at ${at}`);
        if (seqs.length > 0) appendAudit(ctx.db, at, session.user.id, 'sync.requeue', { seqs });
        return seqs;
      })();
      if (requeued.length > 0) await worker.runNow();
      return { requeued: requeued.length, status: worker.status() };
    },
  };
}
