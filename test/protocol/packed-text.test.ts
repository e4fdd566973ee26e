import { describe, expect, it } from 'vitest';
import { decodeHarnessMessage } from '../../src/protocol/codec.js';

const base64 = (text: string, encoding: BufferEncoding) => Buffer.from(text, encoding).toString('base64');

// The harness sends large texts that JSON would escape many times over as base64 (codec.py).
describe('packed texts from the harness', () => {
  it('are restored in a result: both streams, the value and the exception', () => {
    const text = '\x01"\\😀 é\n';
    const message = decodeHarnessMessage(
      JSON.stringify({
        type: 'result',
        id: 'c1',
        status: 'error',
        stdout: { utf8: base64(text, 'utf8') },
        stderr: { utf8: base64(text.repeat(2), 'utf8') },
        value: { utf8: base64('😀', 'utf8') },
        error: {
          type: 'ValueError',
          message: { utf8: base64(text, 'utf8') },
          traceback: { utf8: base64('tb', 'utf8') },
        },
        figures: [],
      }),
    );
    expect(message).toMatchObject({
      stdout: text,
      stderr: text.repeat(2),
      value: '😀',
      error: { message: text, traceback: 'tb' },
    });
  });

  it('keep lone surrogates when packed as UTF-16', () => {
    const text = 'a\udc80\x01';
    const message = decodeHarnessMessage(
      JSON.stringify({ type: 'stream', id: 'c1', name: 'stdout', text: { utf16le: base64(text, 'utf16le') } }),
    );
    expect(message).toEqual({ type: 'stream', id: 'c1', name: 'stdout', text });
  });

  it('are refused with a PROTOCOL_ERROR when malformed, in the exception too', () => {
    const error = { type: 'E', message: { latin1: 'eA==' }, traceback: '' };
    const line = JSON.stringify({
      type: 'result',
      id: 'c1',
      status: 'error',
      stdout: '',
      stderr: '',
      error,
      figures: [],
    });
    expect(() => decodeHarnessMessage(line)).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERROR' }));
  });
});
