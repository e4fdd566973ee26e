import type {
  ExecutionResult,
  ExecutionStatus,
  FigureFormat,
  InstalledDistribution,
  MimeBundle,
  Output,
  OutputFile,
} from '../core/results.js';
import type { OutputFileEntry, PythonError, ResultMessage } from '../protocol/messages.js';
import { appendEnding, appendStream, figureOf, type CallOutputs } from './call-outputs.js';

/**
 * A result being filled in; the status/error pairing the public union promises holds by
 * construction (the codec refuses an `error` result without its exception; a crash always says how).
 */
export type ResultDraft = Omit<ExecutionResult, 'status' | 'error'> & {
  status: ExecutionStatus;
  error?: PythonError;
};

/** What every result starts from: `startTime` is when its run message went out (0: never). */
export function newDraft(
  executionId: string,
  status: ExecutionStatus,
  startTime: number,
  workerPid: number | undefined,
  installed: InstalledDistribution[] | undefined,
): ResultDraft {
  const result: ResultDraft = {
    executionId,
    status,
    stdout: '',
    stderr: '',
    figures: [],
    outputs: [],
    durationMs: startTime === 0 ? 0 : performance.now() - startTime,
  };
  if (workerPid !== undefined) result.workerPid = workerPid;
  if (installed !== undefined && installed.length > 0) result.installed = installed;
  return result;
}

/**
 * The result of a call that Python finished: `draft` (its status and what the host knows) with
 * the harness's answer, after what was `streamed` before it (undefined when nothing was).
 */
export function resultFromHarness(
  draft: ResultDraft,
  streamed: CallOutputs | undefined,
  message: ResultMessage,
  figureFormat: FigureFormat,
): ExecutionResult {
  // What was not streamed comes with the result (one stream at most, past the limit's tails).
  let outputs: Output[];
  if (streamed === undefined) {
    draft.stdout = message.stdout;
    draft.stderr = message.stderr;
    outputs = [];
    if (message.stdout.length > 0) outputs.push({ type: 'stream', name: 'stdout', text: message.stdout });
    if (message.stderr.length > 0) appendStream(outputs, 'stderr', message.stderr);
  } else {
    streamed.addStream('stdout', message.stdout);
    streamed.addStream('stderr', message.stderr);
    draft.stdout = streamed.text('stdout');
    draft.stderr = streamed.text('stderr');
    outputs = streamed.list();
  }
  let valueBundle: MimeBundle | undefined;
  if (message.value !== undefined) {
    draft.value = message.value;
    valueBundle = { ...message.valueBundle, 'text/plain': message.value };
    draft.valueBundle = valueBundle;
  }
  if (message.valueJson !== undefined) draft.valueJson = parseValueJson(message.valueJson);
  if (message.error !== undefined) draft.error = message.error;
  if (streamed !== undefined) draft.figures.push(...streamed.figures); // (the draft's own list)
  for (const bundle of message.figures) {
    const figure = figureOf(bundle, figureFormat);
    if (figure !== undefined) draft.figures.push(figure);
  }
  draft.outputs = appendEnding(outputs, message.figures, valueBundle, message.error);
  if (message.files !== undefined) draft.files = message.files.map(outputFile);
  if (message.usage !== undefined) draft.usage = message.usage;
  if (message.truncated || streamed?.truncated === true) draft.truncated = true;
  if (message.droppedBytes !== undefined) draft.droppedBytes = message.droppedBytes;
  return draft as ExecutionResult;
}

function outputFile(entry: OutputFileEntry): OutputFile {
  const { base64, ...listed } = entry;
  return base64 === undefined ? listed : { ...listed, data: new Uint8Array(Buffer.from(base64, 'base64')) };
}

// The harness made it with json.dumps from plain data; text that does not parse is left out.
function parseValueJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The result of a call whose process ended or never answered: what it printed so far is kept. */
export function resultWithoutHarness(
  draft: ResultDraft,
  streamed: CallOutputs | undefined,
  error: PythonError | undefined,
): ExecutionResult {
  draft.stdout = streamed?.text('stdout') ?? '';
  draft.stderr = streamed?.text('stderr') ?? '';
  if (error !== undefined) draft.error = error;
  if (streamed !== undefined) draft.figures.push(...streamed.figures); // (the draft's own list)
  draft.outputs = appendEnding(streamed?.list() ?? [], [], undefined, error);
  if (streamed?.truncated === true) draft.truncated = true;
  return draft as ExecutionResult;
}
