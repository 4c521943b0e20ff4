import { type ReceiptInput } from './model';

/** Sample receipts for tests, previews and the bench: Chinese names, mixed tenders, refunds, reprints. */
export const SAMPLE_SALE: ReceiptInput = {
  kind: 'sale',
  paperWidth: 58,
  store: { name: '好邻居便利店（望京店）', address: '北京市朝阳区望京街道阜通东大街6号院1号楼底商' },
  saleNo: 'S001-T01-20240518-0042',
  cashier: '张小凡',
  terminal: 'T01',
  time: '2024-05-18T06:30:15Z',
  lines: [
    { name: '农夫山泉饮用天然水 550ml', qty: 2, unitPriceFen: 200, lineTotalFen: 400 },
    { name: '康师傅红烧牛肉面（五连包）超值装限时特惠', qty: 1, unitPriceFen: 1550, lineTotalFen: 1350, discountFen: 200 },
    { name: 'Coca-Cola Zero 330ml can', qty: 6, unitPriceFen: 350, lineTotalFen: 2100 },
    { name: '奥利奥®夹心饼干·原味…', qty: 1, unitPriceFen: 990, lineTotalFen: 990 },
  ],
  totals: { subtotalFen: 5040, discountFen: 200, totalFen: 4840 },
  tenders: [
    { kind: 'code', channel: 'wechat', amountFen: 4000, maskedCode: '1350****5678', channelTxnId: '4200001234202405181234567890' },
    { kind: 'cash', amountFen: 840, givenFen: 1000, changeFen: 160 },
  ],
  footer: '谢谢惠顾，欢迎再次光临！\n退换货请凭小票在7日内办理',
  qr: { payload: 'https://pos.example.cn/r/S001-T01-20240518-0042', caption: '扫码开电子发票' },
};

export const SAMPLE_REFUND: ReceiptInput = {
  kind: 'refund',
  paperWidth: 80,
  store: { name: '好邻居便利店', address: '望京店' },
  saleNo: 'R001-T01-20240519-0003',
  originalSaleNo: 'S001-T01-20240518-0042',
  refundReason: '商品破损',
  cashier: '张小凡',
  authorizedBy: '李经理',
  terminal: 'T01',
  time: '2024-05-19T02:05:00+08:00',
  lines: [{ name: '康师傅红烧牛肉面（五连包）超值装限时特惠', qty: 1, unitPriceFen: 1550, lineTotalFen: 1350, discountFen: 200 }],
  totals: { subtotalFen: 1350, discountFen: 0, totalFen: 1350 },
  tenders: [
    { kind: 'code', channel: 'alipay', amountFen: 1350, maskedCode: '2851****9012', channelTxnId: '2024051922001400001234567890', channelRefundId: '2024051922001400001234567890' },
  ],
};

/** A refund of an amount (no lines) over a mixed sale: part back to WeChat, part handed back in cash. */
export const SAMPLE_MIXED_REFUND: ReceiptInput = {
  kind: 'refund',
  paperWidth: 58,
  store: { name: '好邻居便利店', address: '' },
  saleNo: 'T01-20240518-0042-R1',
  originalSaleNo: 'T01-20240518-0042',
  cashier: '张小凡',
  authorizedBy: '店长 Manager',
  terminal: 'T01',
  time: '2024-05-19T03:10:00Z',
  lines: [],
  totals: { subtotalFen: 3000, discountFen: 0, totalFen: 3000 },
  tenders: [
    { kind: 'code', channel: 'wechat', amountFen: 2160, maskedCode: '1350****5678', channelTxnId: '4200001234202405181234567890', channelRefundId: '50000000412024051912345678901' },
    { kind: 'cash', amountFen: 840, givenFen: 840, changeFen: 0 },
  ],
};
