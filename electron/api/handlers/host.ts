import { type HandlerMap, type HostContext, requireSession } from '../context';
import { appendAudit } from '../../services/audit';
import { saveSettingsPatch } from '../../services/settings-store';
import { isoAt } from '../../clock';
import { type HostInfo } from '../../../shared/api/host';
import { countUnresolved, refuseWhileUnresolved } from '../../payments/engine/unresolved';
import { outboxCounts } from '../../sync/outbox';
import { moveToTerminal, switchTrainingMode } from '../../sales/training';
import { PosError } from '../../../shared/api/result';

export type HostInfoExtras = {
  connectivity(): HostInfo['connectivity'];
  devices(): HostInfo['devices'];
  /** Sales being checked after an unclean shutdown (payments engine). */
  uncertainSales(): number;
};

export function hostHandlers(ctx: HostContext, extras: HostInfoExtras): HandlerMap<'host.info' | 'settings.get' | 'settings.update'> {
  return {
    'host.info': () => {
      const s = ctx.settings();
      return {
        name: 'aggregated-pos',
        version: ctx.version,
        storeId: s.store.id,
        storeName: s.store.name,
        terminalId: s.terminal.id,
        terminalName: s.terminal.name,
        dataDir: ctx.dataDir,
        dbPath: ctx.dbPath,
        mode: s.terminal.mode,
        transport: ctx.transport,
        connectivity: extras.connectivity(),
        startedAt: ctx.startedAt,
        schemaVersion: ctx.schemaVersion,
        devices: extras.devices(),
      };
    },
    'settings.get': () => ctx.settings(),
    'settings.update': (patch, call) => {
      const session = requireSession(call);
      const next = ctx.db.transaction(() => {
        const saved = saveSettingsPatch(ctx.db, ctx.settings(), patch, isoAt(ctx.clock));
        // Sandbox and live gateways know nothing of each other's orders: switch only once everything is final.
        if (saved.terminal.mode !== ctx.settings().terminal.mode) {
          refuseWhileUnresolved(countUnresolved(ctx.db, extras.uncertainSales()), 'switching between training and live mode');
          switchTrainingMode(ctx.db, saved.terminal.mode === 'sandbox', isoAt(ctx.clock));
        }
        // Queued records carry the ids they were made under, and HQ takes them only from that terminal: a new
        // id while some still wait would leave them refused for good. Upload first, then rename.
        const before = ctx.settings();
        if (saved.terminal.id !== before.terminal.id || saved.store.id !== before.store.id) {
          const { queued } = outboxCounts(ctx.db);
          if (queued > 0) {
            throw new PosError('INVALID_STATE', `${queued} record(s) still wait to go to HQ as terminal ${before.terminal.id} of store ${before.store.id}: let them upload first (Sync), then change the terminal or store id`);
          }
          // A refund part still on its way (or a payment unresolved) makes its record when it ends: under the
          // ids of its sale, so not after a rename.
          refuseWhileUnresolved(countUnresolved(ctx.db, extras.uncertainSales()), 'changing the terminal or store id');
          moveToTerminal(ctx.db, { terminalId: saved.terminal.id, storeId: saved.store.id }, isoAt(ctx.clock));
        }
        appendAudit(ctx.db, isoAt(ctx.clock), session.user.id, 'settings.update', { sections: Object.keys(patch) });
        return saved;
      })();
      ctx.replaceSettings(next);
      ctx.events.emit('settings.changed', next);
      return next;
    },
  };
}
