import { afterEach, describe, expect, it } from 'vitest';
import type { DisplayOutput, ExecutionResult, Output, PythonExecutor, StreamEvent } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

const displays = (result: ExecutionResult): DisplayOutput[] =>
  result.outputs.filter((item): item is DisplayOutput => item.type === 'display');

// One class per _repr_*_ method the IPython display protocol knows, and the bundle each gives.
const EVERY_REPR = `
class Rich:
    def _repr_html_(self): return "<b>html</b>"
    def _repr_markdown_(self): return "**md**"
    def _repr_svg_(self): return "<svg></svg>"
    def _repr_png_(self): return b"\\x89PNG-bytes"
    def _repr_jpeg_(self): return b"\\xff\\xd8\\xff-bytes"
    def _repr_json_(self): return {"k": [1, 2]}
    def _repr_latex_(self): return "$x^2$"
    def _repr_javascript_(self): return "console.log(1)"
    def __repr__(self): return "Rich()"
display(Rich())
`;

const EVERY_BUNDLE = {
  'text/html': '<b>html</b>',
  'text/markdown': '**md**',
  'image/svg+xml': '<svg></svg>',
  'image/png': Buffer.from('\x89PNG-bytes', 'latin1').toString('base64'),
  'image/jpeg': Buffer.from('\xff\xd8\xff-bytes', 'latin1').toString('base64'),
  'application/json': '{"k":[1,2]}',
  'text/latex': '$x^2$',
  'application/javascript': 'console.log(1)',
  'text/plain': 'Rich()',
};

describe.each(contractStrategies)('displays with the %s strategy', (strategy) => {
  let executor: PythonExecutor;
  const run = (code: string, options = {}) => {
    executor ??= makeExecutor(strategy);
    return executor.run(code, options);
  };
  afterEach(() => {
    executor = undefined as unknown as PythonExecutor;
  });

  it('gives each _repr_*_ type, and text/plain always, without an import', async () => {
    const result = await run(EVERY_REPR);
    expect(result.status).toBe('ok');
    expect(displays(result)).toEqual([{ type: 'display', data: EVERY_BUNDLE, metadata: {} }]);
  });

  it('takes _repr_mimebundle_ first (dict or data with metadata), honouring include and exclude', async () => {
    const result = await run(`
class Bundled:
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": "<p>b</p>", "application/vnd.custom+json": {"a": 1}}, {"text/html": {"isolated": True}}
    def _repr_html_(self): return "never asked: the bundle gave text/html"
    def _repr_markdown_(self): return "md"
display(Bundled())
display(Bundled(), include=["text/markdown", "text/plain"])
display(Bundled(), exclude=["text/markdown", "application/vnd.custom+json"])
`);
    const [all, included, excluded] = displays(result);
    expect(all?.data).toEqual({
      'text/html': '<p>b</p>',
      'application/vnd.custom+json': '{"a":1}',
      'text/markdown': 'md',
      'text/plain': expect.stringContaining('Bundled object') as string,
    });
    expect(all?.metadata).toEqual({ 'text/html': { isolated: true } });
    expect(Object.keys(included?.data ?? {}).sort()).toEqual(['text/markdown', 'text/plain']);
    expect(Object.keys(excluded?.data ?? {}).sort()).toEqual(['text/html', 'text/plain']);
  });

  it('leaves out a repr that raises or gives the wrong type, with a note on stderr, never failing the call', async () => {
    const result = await run(`
class Broken:
    def _repr_html_(self): raise ValueError("no html today")
    def _repr_png_(self): return 42
    def _repr_markdown_(self): return "fine"
    def __repr__(self): raise RuntimeError("no repr either")
display(Broken())
print("still running")
`);
    expect(result.status).toBe('ok');
    expect(result.stdout).toBe('still running\n');
    const [shown] = displays(result);
    expect(shown?.data['text/markdown']).toBe('fine');
    expect(shown?.data['text/plain']).toMatch(/^<__main__\.Broken object at 0x/);
    expect(Object.keys(shown?.data ?? {})).not.toContain('text/html');
    expect(result.stderr).toContain('Broken._repr_html_ raised ValueError: no html today; text/html left out');
    expect(result.stderr).toContain('Broken._repr_png_ gave int for image/png');
    expect(result.stderr).toContain('Broken.__repr__ raised RuntimeError: no repr either');
  });

  it('updates a display in place through its handle, update_display and a string id', async () => {
    const result = await run(`
handle = display("first", display_id=True)
handle.update("second")
display("named", display_id="progress")
from IPython.display import update_display
update_display("done", display_id="progress")
print(type(handle).__name__)
`);
    const items = result.outputs.filter((item) => item.type === 'display' || item.type === 'update');
    const id = (items[0] as DisplayOutput).displayId;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(items).toEqual([
      { type: 'display', data: { 'text/plain': "'first'" }, metadata: {}, displayId: id },
      { type: 'update', displayId: id, data: { 'text/plain': "'second'" }, metadata: {} },
      { type: 'display', data: { 'text/plain': "'named'" }, metadata: {}, displayId: 'progress' },
      { type: 'update', displayId: 'progress', data: { 'text/plain': "'done'" }, metadata: {} },
    ]);
    expect(result.stdout).toBe('DisplayHandle\n');
  });

  it("shows IPython.display's classes, whether IPython is installed or not", async () => {
    const png = Buffer.from('\x89PNG\r\n\x1a\nrest', 'latin1');
    const result = await run(`
from IPython.display import display, HTML, Markdown, SVG, Image, JSON, Latex, Javascript
import IPython.display
display(HTML("<i>h</i>"), Markdown("# m"), SVG("<svg/>"), Latex("$y$"), Javascript("f()"))
display(JSON({"a": [1]}), Image(data=bytes(${JSON.stringify([...png])})))
IPython.display.HTML.__module__.startswith("IPython")
`);
    expect(result.status).toBe('ok');
    const kinds = displays(result).map((item) => Object.keys(item.data).filter((key) => key !== 'text/plain'));
    expect(kinds).toEqual([
      ['text/html'],
      ['text/markdown'],
      ['image/svg+xml'],
      ['text/latex'],
      ['application/javascript'],
      ['application/json'],
      ['image/png'],
    ]);
    expect(displays(result)[6]?.data['image/png']).toBe(png.toString('base64'));
    expect(JSON.parse(displays(result)[5]?.data['application/json'] ?? 'null')).toEqual({ a: [1] });
  });

  it('gives the value a bundle (valueBundle) and keeps value its repr', async () => {
    const rich = await run(`
class Table:
    def _repr_html_(self): return "<table></table>"
    def __repr__(self): return "Table()"
Table()
`);
    expect(rich.value).toBe('Table()');
    expect(rich.valueBundle).toEqual({ 'text/html': '<table></table>', 'text/plain': 'Table()' });
    expect(rich.outputs.at(-1)).toEqual({ type: 'value', data: rich.valueBundle });
    const plain = await run('6 * 7');
    expect(plain.valueBundle).toEqual({ 'text/plain': '42' });
    const none = await run('x = 1');
    expect(none.valueBundle).toBeUndefined();
  });

  it('keeps stdout, displays and stderr in the order they were made, in outputs, callbacks and stream()', async () => {
    const code = `
import sys, os
print("out 1")
display("d1")
os.write(2, b"err 1\\n")
display("d2")
print("out 2")
`;
    const seen: string[] = [];
    const result = await run(code, {
      onStdout: (text: string) => seen.push(`stdout:${text}`),
      onStderr: (text: string) => seen.push(`stderr:${text}`),
      onDisplay: (output: DisplayOutput) => seen.push(`display:${output.data['text/plain']}`),
    });
    const expected: Output[] = [
      { type: 'stream', name: 'stdout', text: 'out 1\n' },
      { type: 'display', data: { 'text/plain': "'d1'" }, metadata: {} },
      { type: 'stream', name: 'stderr', text: 'err 1\n' },
      { type: 'display', data: { 'text/plain': "'d2'" }, metadata: {} },
      { type: 'stream', name: 'stdout', text: 'out 2\n' },
    ];
    expect(result.outputs).toEqual(expected);
    expect(seen).toEqual(['stdout:out 1\n', "display:'d1'", 'stderr:err 1\n', "display:'d2'", 'stdout:out 2\n']);
    const events: StreamEvent[] = [];
    for await (const event of executor.stream(code)) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['stdout', 'display', 'stderr', 'display', 'stdout', 'result']);
    const last = events.at(-1);
    expect(last?.type === 'result' && last.result.outputs).toEqual(expected);
  });

  it('counts displays against limits.maxOutputBytes: one past it is left out, said, and the result truncated', async () => {
    executor = makeExecutor(strategy, { limits: { maxOutputBytes: 4000 } });
    const result = await run(`
display("small")
display("x" * 3000)
display("y" * 3000)
display("after")
`);
    const shown = displays(result).map((item) => item.data['text/plain']?.length);
    expect(shown).toEqual([7, 3002, 7]);
    expect(result.truncated).toBe(true);
    expect(result.stderr).toMatch(/a display of 3002 bytes left out: past limits\.maxOutputBytes/);
  });
});

describe('displays in a session', () => {
  it('show in order and stream, call after call', async () => {
    const executor = makeExecutor('optimized');
    const session = await executor.createSession();
    await session.run('class Note:\n    def _repr_markdown_(self): return "*kept*"');
    const events: StreamEvent[] = [];
    for await (const event of session.stream('print("a")\ndisplay(Note())\nNote()')) events.push(event);
    expect(events.map((event) => event.type)).toEqual(['stdout', 'display', 'result']);
    const last = events.at(-1);
    expect(last?.type === 'result' && last.result.valueBundle?.['text/markdown']).toBe('*kept*');
    await session.close();
  });
});
