import { type HandlerMap, requireSession } from '../context';
import { type DevicesService } from '../../devices/service/service';

type DeviceMethods =
  | 'devices.status'
  | 'devices.ports'
  | 'devices.testPrint'
  | 'devices.testScan'
  | 'devices.recentScans'
  | 'devices.printReceipt'
  | 'devices.reprint'
  | 'devices.printJobs'
  | 'devices.openDrawer'
  | 'devices.retryJob'
  | 'devices.dismissJob'
  | 'scan.report';

export function deviceHandlers(devices: DevicesService): HandlerMap<DeviceMethods> {
  return {
    'devices.status': () => devices.states(),
    'devices.ports': () => devices.ports(),
    'devices.testPrint': (_input, call) => devices.printing.testPrint(requireSession(call).user.id),
    'devices.testScan': (input, call) => ({ testUntil: devices.scans.openTestWindow(input.seconds, call.clientId), scans: devices.scans.recent() }),
    'devices.recentScans': () => devices.scans.recent(),
    'devices.printReceipt': (input, call) => devices.printing.printReceipt(input, requireSession(call).user.id),
    'devices.reprint': (input, call) => devices.printing.reprint(input, requireSession(call).user.id),
    'devices.printJobs': (input) => devices.printing.jobs({ open: input.open, limit: input.limit, ...(input.saleId === undefined ? {} : { saleId: input.saleId }) }),
    'devices.openDrawer': (input, call) => devices.openDrawerNoSale(input.reason, requireSession(call).user.id),
    'devices.retryJob': (input, call) => devices.printing.retry(input.jobId, requireSession(call).user.id),
    'devices.dismissJob': (input, call) => devices.printing.dismiss(input.jobId, requireSession(call).user.id),
    'scan.report': (input) => {
      const scan = devices.scans.accept({ source: input.source, deviceId: input.deviceId, code: input.code, at: input.at, ...(input.symbology === undefined ? {} : { symbology: input.symbology }) });
      return { accepted: scan !== null, scan };
    },
  };
}
