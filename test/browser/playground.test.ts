import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundScriptPath } from '../../src/server/routes/playground.js';
import { hasMatplotlib, matplotlibPython } from '../helpers/matplotlib.js';
import { start, TOKEN } from '../helpers/serve.js';
import type { PyexecServer } from '../../src/server/index.js';

// The playground in a real browser: Debian's chromium, headless, driven by playwright-core.
// .ci/run installs chromium (and python3-matplotlib, python3-pandas for the figure and the table).
const CHROMIUM = process.env.PYEXEC_CHROMIUM || '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (process.env.CI && !hasChromium) throw new Error(`CI needs a browser at ${CHROMIUM}: apt-get install chromium`);
if (!hasChromium) console.warn(`playground tests skipped: no browser at ${CHROMIUM} (apt-get install chromium)`);
const root = join(import.meta.dirname, '../..');
const ARTIFACTS = join(root, 'test-results');

let server: PyexecServer;
let browser: Browser;
let page: Page;
let url: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  if (!existsSync(playgroundScriptPath())) await promisify(execFile)('npm', ['run', 'build'], { cwd: root });
  ({ url, server } = await start({ tokens: [TOKEN], playground: true, executor: { python: matplotlibPython } }, false));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${url}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

// Replaces the editor's text as typing would (insertText: no auto-closed brackets or indents added).
async function setCode(code: string): Promise<void> {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.insertText(code);
}

async function runAndWait(code: string, state = 'ok'): Promise<void> {
  await setCode(code);
  await page.click('#run');
  await page.waitForSelector(`#status[data-state="${state}"]`, { timeout: 30_000 });
}

const outputText = () => page.textContent('#output');

// The page's globals as the functions run in it use them (this file is type-checked without the
// DOM's types, and the page's CSP refuses code given as a string).
interface InPage {
  document: {
    querySelector(selector: string): { textContent: string | null; dataset: Record<string, string> } | null;
  };
  pwned?: number;
}

async function statusStartsWith(start: string, end = ''): Promise<void> {
  await page.waitForFunction(
    ([start, end]) => {
      const text = (globalThis as unknown as InPage).document.querySelector('#status')?.textContent ?? '';
      return text.startsWith(start) && text.endsWith(end);
    },
    [start, end] as const,
  );
}

describe.skipIf(!hasChromium)('the playground page', () => {
  it('asks for the token once, then runs what was typed and shows its output and value', async () => {
    await page.keyboard.press('Escape'); // (nothing open yet)
    await setCode('');
    await page.keyboard.type('print("typed")\n6 * 7');
    await page.click('#run');
    await page.waitForSelector('#token-dialog[open]');
    await page.fill('#token', TOKEN);
    await page.click('#token-use');
    await page.waitForSelector('#status[data-state="ok"]', { timeout: 30_000 });
    expect(await outputText()).toContain('typed');
    expect(await page.textContent('#output .value')).toContain('42');
    expect(await page.textContent('#status')).toMatch(/^ok · \d+ ms$/);
    await runAndWait('1 + 1');
    expect(await page.isVisible('#token-dialog[open]')).toBe(false); // asked once
  });

  it('shows streamed output before the call ends, and stops a long call', async () => {
    await setCode('import time\nprint("first", flush=True)\ntime.sleep(60)\nprint("never")');
    await page.click('#run');
    await page.waitForFunction(
      () => {
        const { document } = globalThis as unknown as InPage;
        return (
          document.querySelector('#output')?.textContent?.includes('first') === true &&
          document.querySelector('#status')?.dataset.state === 'running'
        );
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.isEnabled('#stop')).toBe(true);
    await page.click('#stop');
    await page.waitForSelector('#status[data-state="stopped"]', { timeout: 30_000 });
    expect(await outputText()).not.toContain('never');
  });

  it.skipIf(!hasMatplotlib)('shows a figure as an image and a DataFrame as a table', async () => {
    await runAndWait('import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()');
    const figure = await page.waitForSelector('#output img.figure');
    expect(await figure.getAttribute('src')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(await figure.evaluate((img) => (img as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
    await runAndWait('import pandas as pd\npd.DataFrame({"name": ["ada", "bob"], "score": [3, 4]})');
    const cells = await page.frameLocator('#output .value iframe.html').locator('tbody td').allTextContents();
    expect(cells).toEqual(['ada', '3', 'bob', '4']);
  });

  it('keeps a variable across two runs with the session toggle, and Restart clears it', async () => {
    await page.check('#session');
    await statusStartsWith('session ');
    await runAndWait('kept = 41');
    await runAndWait('kept + 1');
    expect(await page.textContent('#output .value')).toContain('42');
    await page.click('#restart');
    await statusStartsWith('session ', 'restarted');
    await runAndWait('kept', 'error');
    expect(await outputText()).toContain("NameError: name 'kept' is not defined");
    await page.uncheck('#session');
    await statusStartsWith('no session');
    await runAndWait('"kept" in globals()');
    expect(await page.textContent('#output .value')).toContain('False');
  });

  it('never runs displayed HTML as script in the page (nor in its frame); shows code output as text', async () => {
    const title = await page.title();
    await runAndWait(
      [
        'from IPython.display import HTML',
        'print("<script>parent.pwned = 1</script>")',
        'display(HTML("<b id=marker>shown</b><script>parent.pwned = 2; document.body.dataset.ran = 1</script>"',
        '             "<img src=x onerror=\\"parent.pwned = 3\\">"))',
      ].join('\n'),
    );
    const frame = page.frameLocator('#output .display iframe.html');
    expect(await frame.locator('#marker').textContent()).toBe('shown');
    expect(await frame.locator('body').getAttribute('data-ran')).toBeNull();
    expect(await page.evaluate(() => (globalThis as unknown as InPage).pwned)).toBeUndefined();
    expect(await page.title()).toBe(title);
    expect(await page.textContent('#output pre.stdout')).toContain('<script>parent.pwned = 1</script>');
    mkdirSync(ARTIFACTS, { recursive: true });
    await runAndWait('import matplotlib.pyplot as plt\nprint("hello")\nplt.plot([1, 3, 2])\nplt.show()\n{"a": 1}');
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
