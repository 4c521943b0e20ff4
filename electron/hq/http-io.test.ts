import { type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from './http-io';

/** A request stream without Content-Length (chunked upload). */
const chunked = (chunks: string[]): IncomingMessage => Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers: {} }) as unknown as IncomingMessage;

describe('readBody', () => {
  it('reads a chunked body within the limit', async () => {
    const result = await readBody(chunked(['ab', 'cd']), 10);
    expect(result.ok && result.body.toString()).toBe('abcd');
  });

  it('stops at the limit when no Content-Length announced the size', async () => {
    expect(await readBody(chunked(['abcdef', 'ghijkl']), 8)).toEqual({ ok: false, reason: 'too_large' });
  });

  it('refuses an announced oversize body before reading it', async () => {
    const req = Object.assign(Readable.from([]), { headers: { 'content-length': '11' } }) as unknown as IncomingMessage;
    expect(await readBody(req, 10)).toEqual({ ok: false, reason: 'too_large' });
  });
});
