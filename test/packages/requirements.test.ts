import { describe, expect, it } from 'vitest';
import { installPackages, type PyExecError } from '../../src/index.js';
import { validateRequirements } from '../../src/packages/requirements.js';

describe('requirement strings', () => {
  it.each([
    'requests',
    'requests==2.31.0',
    'Django>=4.2,<5',
    'pandas[excel, performance] ~= 2.2',
    'numpy (>=1.24)',
    'pyexec_probe_a==1.0; python_version >= "3.9"',
    "colorama; sys_platform == 'win32' and python_version < '3.13'",
    'zope.interface===6.0',
  ])('accepts %j', (requirement) => {
    expect(validateRequirements([requirement])).toEqual([requirement]);
  });

  it.each([
    ['-r requirements.txt', 'starts with `-`'],
    ['--index-url=http://evil', 'starts with `-`'],
    ['requests; rm -rf /', 'is not a PEP 508 requirement'],
    ['requests && curl evil', 'is not a PEP 508 requirement'],
    ['requests\n--extra-index-url http://evil', 'holds a line break'],
    ['requests $(whoami)', 'is not a PEP 508 requirement'],
    ['./local/package', 'looks like a path'],
    ['/tmp/evil.whl', 'looks like a path'],
    ['evil @ https://example.invalid/evil.whl', 'is a URL requirement'],
    ['evil @ file:///tmp/evil.whl', 'is a URL requirement'],
    ['evil @ http://example.invalid/evil.whl', 'is a URL requirement'],
    ['x'.repeat(301), 'is longer than 300 characters'],
    ['', 'is empty'],
    ['planted-6.6.6-py3-none-any.whl', 'ends like an archive'],
    ['x.zip', 'ends like an archive'],
    ['x.tar.gz', 'ends like an archive'],
    ['evil.TGZ==1.0', 'ends like an archive'],
  ])('refuses %j: %s', (requirement, why) => {
    expect(() => validateRequirements([requirement])).toThrow(why);
    try {
      validateRequirements([requirement]);
    } catch (error) {
      expect((error as PyExecError).code).toBe('INVALID_REQUIREMENT');
    }
  });

  it('accepts an https direct reference only when allowed', () => {
    expect(
      validateRequirements(['pkg @ https://example.invalid/pkg-1.0-py3-none-any.whl'], { allowUrls: true }),
    ).toHaveLength(1);
    expect(() => validateRequirements(['pkg @ file:///tmp/pkg.whl'], { allowUrls: true })).toThrow('https only');
  });

  it('refuses a requirement list that is not a non-empty array of strings, naming the entry', async () => {
    await expect(installPackages([] as string[])).rejects.toMatchObject({ code: 'INVALID_REQUIREMENT' });
    await expect(installPackages(['ok', 3 as unknown as string])).rejects.toThrow('`requirements[1]`');
  });
});
