/**
 * Cash drawer arithmetic of a shift, in integer fen. Pure: the host computes a shift's figures with it,
 * the table checks the same identity on a closed shift (migration 0005), the screen only displays.
 */
export type DrawerFlows = {
  openingFloatFen: number;
  /** Cash kept by sales (what the customer handed over minus change). */
  cashSalesFen: number;
  /** Cash handed back over the counter (refunds, and part payments of voided sales). */
  cashRefundsFen: number;
  cashInFen: number;
  cashOutFen: number;
};

export const expectedCashFen = (f: DrawerFlows): number => f.openingFloatFen + f.cashSalesFen - f.cashRefundsFen + f.cashInFen - f.cashOutFen;

/** Counted minus expected: positive = over (长款), negative = short (短款). */
export const cashDifferenceFen = (countedFen: number, expectedFen: number): number => countedFen - expectedFen;
