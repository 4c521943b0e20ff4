import zxing from '@zxing/library';

/**
 * QR code as an ESC/POS raster image (GS v 0) for printers without a native QR engine.
 * The QR matrix comes from @zxing/library (already a dependency of the camera scanner); it is CommonJS
 * without statically detectable named exports, hence the default import.
 */
const { QRCodeEncoder, QRCodeDecoderErrorCorrectionLevel, EncodeHintType } = zxing;

export type QrEccLevel = 'L' | 'M' | 'Q' | 'H';

/** A 1-bit image, row-major, 1 = black. */
export type Bitmap = { width: number; height: number; pixels: Uint8Array };

const QUIET_ZONE_MODULES = 4;

/** QR payload → bitmap with a 4-module quiet zone, each module `moduleSize` dots square. */
export function qrBitmap(payload: string, ecc: QrEccLevel, moduleSize: number): Bitmap {
  const hints = new Map([[EncodeHintType.CHARACTER_SET, 'UTF-8']]);
  const level = QRCodeDecoderErrorCorrectionLevel.fromString(ecc);
  const matrix = QRCodeEncoder.encode(payload, level, hints).getMatrix();
  const modules = matrix.getWidth() + 2 * QUIET_ZONE_MODULES;
  const size = modules * moduleSize;
  const pixels = new Uint8Array(size * size);
  for (let my = 0; my < matrix.getHeight(); my++) {
    for (let mx = 0; mx < matrix.getWidth(); mx++) {
      if (matrix.get(mx, my) !== 1) continue;
      const x0 = (mx + QUIET_ZONE_MODULES) * moduleSize;
      const y0 = (my + QUIET_ZONE_MODULES) * moduleSize;
      for (let dy = 0; dy < moduleSize; dy++) pixels.fill(1, (y0 + dy) * size + x0, (y0 + dy) * size + x0 + moduleSize);
    }
  }
  return { width: size, height: size, pixels };
}

/** Bitmap → `GS v 0 m xL xH yL yH d…` (m = 0: normal density); rows padded to whole bytes, MSB = leftmost dot. */
export function rasterCommand(bmp: Bitmap): Buffer {
  const bytesPerRow = Math.ceil(bmp.width / 8);
  if (bytesPerRow > 0xffff || bmp.height > 0xffff) throw new RangeError('raster image too large');
  const header = Buffer.from([0x1d, 0x76, 0x30, 0x00, bytesPerRow & 0xff, bytesPerRow >> 8, bmp.height & 0xff, bmp.height >> 8]);
  const data = Buffer.alloc(bytesPerRow * bmp.height);
  for (let y = 0; y < bmp.height; y++) {
    for (let x = 0; x < bmp.width; x++) {
      if (bmp.pixels[y * bmp.width + x] === 1) {
        const i = y * bytesPerRow + (x >> 3);
        data[i] = (data[i] ?? 0) | (0x80 >> (x & 7));
      }
    }
  }
  return Buffer.concat([header, data]);
}
