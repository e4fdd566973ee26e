// The playground page: an editor, Run and Stop, output streamed as it comes, an optional session.
import { python } from '@codemirror/lang-python';
import { Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import type { MimeBundle, PythonError } from '../core/outputs.js';
import { OutputView, type ShownResult } from './output-view.js';
import { ServiceClient, ServiceError } from './service-client.js';

const SAMPLE = `# Ctrl+Enter runs. display(obj) shows rich objects; plt.show() shows a figure.
import sys
print("Hello from Python", sys.version.split()[0])
sum(range(10))
`;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const runButton = byId<HTMLButtonElement>('run');
const stopButton = byId<HTMLButtonElement>('stop');
const sessionBox = byId<HTMLInputElement>('session');
const restartButton = byId<HTMLButtonElement>('restart');
const statusLine = byId<HTMLElement>('status');
const view = new OutputView(byId('output'));
const client = new ServiceClient(askToken);

let sessionId: string | undefined;
let running: string | undefined; // the execution id of the call in flight

const editor = new EditorView({
  doc: SAMPLE,
  parent: byId('editor'),
  extensions: [basicSetup, python(), Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (void run(), true) }]))],
});

runButton.addEventListener('click', () => void run());
stopButton.addEventListener('click', () => void stop());
sessionBox.addEventListener('change', () => void toggleSession());
restartButton.addEventListener('click', () => void restartSession());

async function run(): Promise<void> {
  if (running !== undefined) return;
  const executionId = randomId();
  running = executionId;
  setBusy(true);
  view.clear();
  setStatus('running', 'running…');
  const started = performance.now();
  const path = sessionId === undefined ? 'v1/execute' : `v1/sessions/${encodeURIComponent(sessionId)}/execute`;
  try {
    for await (const { event, data } of client.events(path, { code: editor.state.doc.toString(), executionId })) {
      if (event === 'stdout' || event === 'stderr') view.stream(event, (data as { text: string }).text);
      else if (event === 'display') showDisplay(data as { type: string; data: MimeBundle; displayId?: string });
      else if (event === 'result') {
        const result = data as ShownResult & { error?: PythonError };
        view.result(result);
        setStatus(result.status, `${result.status} · ${Math.round(result.durationMs)} ms`);
      } else if (event === 'error') {
        const { code, message } = data as { code: string; message: string };
        view.notice(`${code}: ${message}`);
        setStatus('failed', code);
      }
    }
  } catch (error) {
    view.notice(messageOf(error));
    setStatus('failed', error instanceof ServiceError ? error.code : 'failed');
  } finally {
    running = undefined;
    setBusy(false);
    statusLine.title = `${Math.round(performance.now() - started)} ms with the round trip`;
  }
}

function showDisplay(output: { type: string; data: MimeBundle; displayId?: string }): void {
  if (output.type === 'update' && output.displayId !== undefined) view.update(output.displayId, output.data);
  else view.display(output.data, output.displayId);
}

async function stop(): Promise<void> {
  if (running === undefined) return;
  await client.json('POST', `v1/executions/${encodeURIComponent(running)}/stop`).catch(showFailure);
}

async function toggleSession(): Promise<void> {
  sessionBox.disabled = true;
  try {
    if (sessionBox.checked) {
      sessionId = (await client.json<{ id: string }>('POST', 'v1/sessions', {})).id;
      setStatus('idle', `session ${sessionId}`);
    } else if (sessionId !== undefined) {
      const closing = sessionId;
      sessionId = undefined;
      await client.json('DELETE', `v1/sessions/${encodeURIComponent(closing)}`);
      setStatus('idle', 'no session: each run starts afresh');
    }
  } catch (error) {
    sessionBox.checked = sessionId !== undefined;
    showFailure(error);
  } finally {
    sessionBox.disabled = false;
    restartButton.disabled = sessionId === undefined;
  }
}

async function restartSession(): Promise<void> {
  if (sessionId === undefined) return;
  try {
    await client.json('POST', `v1/sessions/${encodeURIComponent(sessionId)}/restart`);
    view.clear();
    setStatus('idle', `session ${sessionId} restarted`);
  } catch (error) {
    showFailure(error);
  }
}

function askToken(again: boolean): Promise<string> {
  const dialog = byId<HTMLDialogElement>('token-dialog');
  const input = byId<HTMLInputElement>('token');
  byId('token-wrong').hidden = !again;
  input.value = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(input.value.trim()), { once: true });
  });
}

function setBusy(busy: boolean): void {
  runButton.disabled = busy;
  stopButton.disabled = !busy;
}

function setStatus(state: string, text: string): void {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
}

function showFailure(error: unknown): void {
  view.notice(messageOf(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// crypto.randomUUID exists only in secure contexts; a page served over plain HTTP on a LAN is not one.
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
