/**
 * Camera scanning with @zxing/browser, loaded on first use (it is large): QR and Code 128 only, one decode
 * attempt every 100 ms. `stop()` releases the camera.
 */
export type CameraControls = { stop(): void };
export type CameraInfo = { deviceId: string; label: string };

export async function startCameraScan(video: HTMLVideoElement, deviceId: string, onCode: (text: string, symbology: ']Q1' | ']C0') => void): Promise<CameraControls> {
  const [{ BrowserMultiFormatReader }, { BarcodeFormat, DecodeHintType }] = await Promise.all([import('@zxing/browser'), import('@zxing/library')]);
  const hints = new Map<(typeof DecodeHintType)[keyof typeof DecodeHintType], unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.QR_CODE, BarcodeFormat.CODE_128]]]);
  const reader = new BrowserMultiFormatReader(hints, { delayBetweenScanAttempts: 100 });
  // Per-frame NotFound errors are normal (no code in view) and ignored.
  return reader.decodeFromVideoDevice(deviceId || undefined, video, (result) => {
    if (result) onCode(result.getText(), result.getBarcodeFormat() === BarcodeFormat.QR_CODE ? ']Q1' : ']C0');
  });
}

export async function listCameras(): Promise<CameraInfo[]> {
  const { BrowserCodeReader } = await import('@zxing/browser');
  const devices = await BrowserCodeReader.listVideoInputDevices();
  return devices.map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}
