import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_SCHEMAS } from '../../src/protocol/codec.js';
import { testPython } from '../helpers/executors.js';

// The protocol is defined twice, once per side (src/protocol/codec.ts, python-runtime's
// protocol.py), and described once (docs/PROTOCOL.md): the three must name the same messages
// and fields, with the same ones required, or one side accepts what the other never sends.
const runtime = join(import.meta.dirname, '../../python-runtime');

function pythonSchemas(): Record<string, Record<string, boolean>> {
  const dump =
    'import json, sys; sys.path.insert(0, sys.argv[1]); from pyexec_harness.protocol import HARNESS_MESSAGES as m; ' +
    'print(json.dumps({t: {f: r[1] for f, r in fs.items()} for t, fs in m.items()}))';
  return JSON.parse(execFileSync(testPython, ['-c', dump, runtime], { encoding: 'utf8' })) as Record<
    string,
    Record<string, boolean>
  >;
}

function hostSchemas(): Record<string, Record<string, boolean>> {
  return Object.fromEntries(
    Object.entries(HARNESS_SCHEMAS).map(([type, fields]) => [
      type,
      Object.fromEntries(Object.entries(fields).map(([name, rule]) => [name, rule.optional !== true])),
    ]),
  );
}

describe('the protocol, as each side defines it', () => {
  it('has the same harness messages, fields and required fields on both sides', () => {
    expect(pythonSchemas()).toEqual(hostSchemas());
  });

  it('is described in docs/PROTOCOL.md: every harness message and each of its fields', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/PROTOCOL.md'), 'utf8');
    const missing: string[] = [];
    for (const [type, fields] of Object.entries(HARNESS_SCHEMAS)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${type}\` |`));
      if (row === undefined) {
        missing.push(type);
        continue;
      }
      for (const field of Object.keys(fields)) if (!row.includes(`\`${field}\``)) missing.push(`${type}.${field}`);
    }
    expect(missing).toEqual([]);
  });
});
