import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEnvironment, detectImports, findMissingModules } from '../../src/index.js';
import { DISTRIBUTION_OF_IMPORT } from '../../src/packages/distribution-names.js';
import { testPython } from '../helpers/executors.js';

const python = testPython;
// An interpreter with nothing but the standard library (and pip), whatever this machine has.
let bare: string;

beforeAll(async () => {
  bare = (await createEnvironment(join(mkdtempSync(join(tmpdir(), 'pyexec-imports-')), 'venv'), { python: testPython }))
    .python;
}, 60_000);

describe('detectImports', () => {
  it('finds top-level names in import statements of every shape, in order', async () => {
    const code = [
      'import os, json as j',
      'import xml.etree.ElementTree as ET',
      'from collections import OrderedDict',
      'from . import sibling',
      'from .pkg import thing',
      'def later():',
      '    import yaml',
      'try:',
      '    import ujson as fastjson',
      'except ImportError:',
      '    import simplejson as fastjson',
      'import numpy.linalg',
      'from __future__ import annotations',
    ].join('\n');
    expect(await detectImports(code, { python })).toEqual([
      'os',
      'json',
      'xml',
      'collections',
      'yaml',
      'ujson',
      'simplejson',
      'numpy',
    ]);
  });

  it('rejects code that does not parse with SYNTAX_ERROR and the line', async () => {
    await expect(detectImports('import os\ndef broken(:\n', { python })).rejects.toMatchObject({
      code: 'SYNTAX_ERROR',
      message: expect.stringContaining('(line 2)'),
    });
  });
});

describe('findMissingModules', () => {
  it('lists what the interpreter cannot find, with the distribution to install', async () => {
    const code =
      'import os, sys\nimport yaml\nfrom sklearn import svm\nimport cv2\nfrom google.protobuf import message\nimport pyexec_no_such_module_x';
    const missing = await findMissingModules(code, { python: bare });
    expect(missing).toEqual(
      expect.arrayContaining([
        { module: 'yaml', distribution: 'PyYAML' },
        { module: 'sklearn', distribution: 'scikit-learn' },
        { module: 'cv2', distribution: 'opencv-python' },
        { module: 'google.protobuf', distribution: 'protobuf' },
        { module: 'pyexec_no_such_module_x', distribution: 'pyexec_no_such_module_x' },
      ]),
    );
  });

  it('never lists the standard library, even modules this build lacks', async () => {
    const stdlib = 'import os, sys, json, re, asyncio, sqlite3, tkinter, curses, xml.dom, email.mime.text, __future__';
    expect(await findMissingModules(stdlib, { python: bare })).toEqual([]);
  });

  it('maps at least 60 well-known import names to their distributions', () => {
    expect(Object.keys(DISTRIBUTION_OF_IMPORT).length).toBeGreaterThanOrEqual(60);
    expect(DISTRIBUTION_OF_IMPORT).toMatchObject({
      PIL: 'Pillow',
      bs4: 'beautifulsoup4',
      dateutil: 'python-dateutil',
      attr: 'attrs',
    });
  });
});
