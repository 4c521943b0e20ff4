import { describe, expect, it } from 'vitest';
import { blockingReason, parseAsbFrame, parseRealtimeReplies, statusRequest, StatusStreamParser } from './status';

describe('DLE EOT', () => {
  it('builds request bytes', () => {
    expect([...statusRequest(1)]).toEqual([0x10, 0x04, 0x01]);
    expect([...statusRequest(4)]).toEqual([0x10, 0x04, 0x04]);
  });

  it('parses an online, healthy printer', () => {
    const s = parseRealtimeReplies({ printer: 0x12, offline: 0x12, paper: 0x12 });
    expect(s).toEqual({ known: true, online: true, coverOpen: false, paperEnd: false, paperNearEnd: false, error: false });
    expect(blockingReason(s)).toBeNull();
  });

  it('parses offline with cover open', () => {
    const s = parseRealtimeReplies({ printer: 0x1a, offline: 0x16, paper: 0x12 });
    expect(s).toMatchObject({ known: true, online: false, coverOpen: true, paperEnd: false });
    expect(blockingReason(s)).toBe('cover-open');
  });

  it('parses paper end and near end', () => {
    const end = parseRealtimeReplies({ printer: 0x1a, offline: 0x32, paper: 0x72 });
    expect(end).toMatchObject({ known: true, online: false, paperEnd: true });
    expect(blockingReason(end)).toBe('paper-end');
    const near = parseRealtimeReplies({ printer: 0x12, offline: 0x12, paper: 0x1e });
    expect(near).toMatchObject({ known: true, online: true, paperEnd: false, paperNearEnd: true });
    expect(blockingReason(near)).toBeNull();
  });

  it('error bit and plain offline', () => {
    expect(blockingReason(parseRealtimeReplies({ printer: 0x1a, offline: 0x52 }))).toBe('error');
    expect(blockingReason(parseRealtimeReplies({ printer: 0x1a }))).toBe('offline');
  });

  it('garbage or missing replies are unknown, never a throw', () => {
    expect(parseRealtimeReplies({})).toMatchObject({ known: false });
    expect(parseRealtimeReplies({ printer: 0xff })).toMatchObject({ known: false, reason: expect.stringContaining('0xff') });
    expect(parseRealtimeReplies({ printer: 0x12, paper: 0x00 })).toMatchObject({ known: false });
    expect(parseRealtimeReplies({ printer: 300 })).toMatchObject({ known: false });
    expect(blockingReason(parseRealtimeReplies({ printer: 0x01 }))).toBe('unknown');
    for (let b = 0; b < 256; b++) expect(() => parseRealtimeReplies({ printer: b, offline: b, paper: b })).not.toThrow();
  });
});

describe('Automatic Status Back', () => {
  it('parses frames', () => {
    expect(parseAsbFrame(Uint8Array.from([0x10, 0x00, 0x00, 0x00]))).toEqual({ known: true, online: true, coverOpen: false, paperEnd: false, paperNearEnd: false, error: false });
    expect(parseAsbFrame(Uint8Array.from([0x38, 0x00, 0x0c, 0x00]))).toMatchObject({ online: false, coverOpen: true, paperEnd: true });
    expect(parseAsbFrame(Uint8Array.from([0x10, 0x20, 0x03, 0x00]))).toMatchObject({ error: true, paperNearEnd: true, paperEnd: false });
  });
  it('rejects garbage', () => {
    expect(parseAsbFrame(Uint8Array.from([0x12, 0, 0, 0]))).toMatchObject({ known: false });
    expect(parseAsbFrame(Uint8Array.from([0x10, 0x80, 0, 0]))).toMatchObject({ known: false });
    expect(parseAsbFrame(Uint8Array.from([0x10]))).toMatchObject({ known: false });
  });
  it('stream parser splits replies and frames across chunks, skipping XON/XOFF', () => {
    const p = new StatusStreamParser();
    expect(p.push(Uint8Array.from([0x12, 0x38, 0x00]))).toEqual([{ kind: 'realtime', byte: 0x12 }]);
    const rest = p.push(Uint8Array.from([0x13, 0x0c, 0x00, 0xff]));
    expect(rest[0]).toMatchObject({ kind: 'asb', status: { known: true, coverOpen: true, paperEnd: true } });
    expect(rest[1]).toEqual({ kind: 'garbage', byte: 0xff });
  });
  it('stream parser survives random noise', () => {
    const p = new StatusStreamParser();
    let seed = 1;
    for (let n = 0; n < 2000; n++) {
      const chunk = Uint8Array.from({ length: 17 }, () => (seed = (seed * 48271) % 2147483647) & 0xff);
      expect(() => p.push(chunk)).not.toThrow();
    }
  });
});
