import type { Figure, Output, PythonError, StreamOutput } from '../core/results.js';
import { OutputBuffer } from './output-buffer.js';

type StreamName = StreamOutput['name'];

// Room for the harness's line saying how many bytes it dropped between a stream's head and tail.
const DROPPED_NOTE_ROOM = 256;

/**
 * What one call produced, as it arrives: each stream's text (bounded: the harness keeps a stream
 * within the limit, plus its note of what it dropped; the host's bound is a backstop against a
 * harness that does not) and every item in order. Made only for calls that stream output.
 */
export class CallOutputs {
  private readonly buffers: { stdout?: OutputBuffer; stderr?: OutputBuffer } = {};
  private readonly items: Output[] = [];

  constructor(private readonly maxOutputBytes: number) {}

  /** Adds text of one stream; returns what was kept of it (what events and the result show). */
  addStream(name: StreamName, text: string): string {
    const kept = (this.buffers[name] ??= new OutputBuffer(this.maxOutputBytes + DROPPED_NOTE_ROOM)).append(text);
    if (kept.length > 0) appendStream(this.items, name, kept);
    return kept;
  }

  text(name: StreamName): string {
    return this.buffers[name]?.text() ?? '';
  }

  get truncated(): boolean {
    return this.buffers.stdout?.truncated === true || this.buffers.stderr?.truncated === true;
  }

  /** The items so far (the caller appends the call's last ones). */
  list(): Output[] {
    return [...this.items];
  }
}

/** Adds stream text after `items`, into the last item when it is of the same stream. */
export function appendStream(items: Output[], name: StreamName, text: string): void {
  const last = items[items.length - 1];
  if (last?.type === 'stream' && last.name === name) last.text += text;
  else items.push({ type: 'stream', name, text });
}

/**
 * What ends a call's outputs, after its streams: its value, then its figures (Jupyter shows the
 * figures of a cell below its value), then its error.
 */
export function appendEnding(
  items: Output[],
  figures: readonly Figure[],
  value: string | undefined,
  error: PythonError | undefined,
): Output[] {
  if (value !== undefined) items.push({ type: 'value', data: { 'text/plain': value } });
  for (const figure of figures) items.push({ type: 'display', data: { [figure.mime]: figure.data }, metadata: {} });
  if (error !== undefined) items.push({ type: 'error', error });
  return items;
}
