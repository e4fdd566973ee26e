import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PyExecError } from '../../src/index.js';
import { decodeHarnessMessage, encodeHostMessage } from '../../src/protocol/codec.js';
import type { HostMessage } from '../../src/protocol/messages.js';

const examples = JSON.parse(readFileSync(new URL('../../docs/protocol-examples.json', import.meta.url), 'utf8')) as {
  hostToHarness: HostMessage[];
  harnessToHost: unknown[];
  invalidHarnessToHost: unknown[];
};

describe('the shared protocol examples', () => {
  it.each(examples.harnessToHost.map((m) => [JSON.stringify(m).slice(0, 60), m]))(
    'the host accepts the harness message %s',
    (_name, message) => {
      expect(decodeHarnessMessage(JSON.stringify(message))).toEqual(message);
    },
  );

  it.each(examples.invalidHarnessToHost.map((m) => [JSON.stringify(m).slice(0, 60), m]))(
    'the host refuses the malformed harness message %s',
    (_name, message) => {
      expect(() => decodeHarnessMessage(JSON.stringify(message))).toThrow(PyExecError);
    },
  );

  it('encodes every host example as exactly one JSON line', () => {
    for (const message of examples.hostToHarness) {
      const line = encodeHostMessage(message);
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(JSON.parse(line)).toEqual(message);
    }
  });

  it('refuses lines that are not JSON objects, with a PROTOCOL_ERROR code', () => {
    for (const line of ['not json', '[1,2]', 'null', '{"type":"__proto__"}']) {
      expect(() => decodeHarnessMessage(line)).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERROR' }));
    }
  });
});
