import type { ExecutionResult } from '../core/results.js';

type Content = { type: 'text'; text: string } | { type: 'image'; data: string; mimeType: string };

/**
 * A call's result as MCP tool content: one text item with its status, stdout, stderr, value and
 * exception (each labelled, truncation said), then an image item per figure or PNG display.
 */
export function toolContent(result: ExecutionResult): { content: Content[]; isError: boolean } {
  const parts = [`status: ${result.status} (${Math.round(result.durationMs)} ms)`];
  if (result.stdout) parts.push(`--- stdout ---\n${result.stdout}`);
  if (result.stderr) parts.push(`--- stderr ---\n${result.stderr}`);
  if (result.value !== undefined) parts.push(`--- value ---\n${result.value}`);
  if (result.error !== undefined)
    parts.push(`--- exception ---\n${result.error.traceback || `${result.error.type}: ${result.error.message}`}`);
  if (result.truncated)
    parts.push('[output was cut at limits.maxOutputBytes: the middle of a long stream is left out]');
  const content: Content[] = [{ type: 'text', text: parts.join('\n') }];
  for (const item of result.outputs)
    if (item.type === 'display' && item.data['image/png'] !== undefined)
      content.push({ type: 'image', data: item.data['image/png'], mimeType: 'image/png' });
  return { content, isError: result.status !== 'ok' };
}
