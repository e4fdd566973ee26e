// What a call produced, drawn into the page. Nothing the code produced is ever parsed as the
// page's HTML: text goes in as text, images as data: URLs of <img> (an SVG's script does not run
// there), and text/html into an iframe sandboxed without scripts, so displayed HTML runs no
// script at all, let alone in the page's origin.
import type { MimeBundle, Output, PythonError } from '../core/outputs.js';

/** The parts of an ExecutionResult the page shows. */
export interface ShownResult {
  status: string;
  durationMs: number;
  outputs: Output[];
  truncated?: boolean;
}

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif'];

export class OutputView {
  constructor(private readonly root: HTMLElement) {}

  clear(): void {
    this.root.replaceChildren();
  }

  /** Stream text, joined to the block before it when that block is the same stream. */
  stream(name: 'stdout' | 'stderr', text: string): void {
    const last = this.root.lastElementChild;
    if (last instanceof HTMLPreElement && last.dataset.stream === name) {
      last.append(text);
      return;
    }
    const block = element('pre', `stream ${name}`, text);
    block.dataset.stream = name;
    this.root.append(block);
  }

  display(data: MimeBundle, displayId?: string): void {
    const holder = element('div', 'display');
    if (displayId !== undefined) holder.dataset.displayId = displayId;
    holder.append(bundleElement(data));
    this.root.append(holder);
  }

  update(displayId: string, data: MimeBundle): void {
    for (const holder of this.root.querySelectorAll<HTMLElement>('.display')) {
      if (holder.dataset.displayId === displayId) holder.replaceChildren(bundleElement(data));
    }
  }

  error(error: PythonError): void {
    this.root.append(element('pre', 'error', error.traceback || `${error.type}: ${error.message}`));
  }

  notice(text: string): void {
    this.root.append(element('p', 'notice', text));
  }

  /** The whole result, in order: it replaces what was streamed (the result holds all of it, and what came at the end). */
  result(result: ShownResult): void {
    this.clear();
    for (const output of result.outputs) {
      if (output.type === 'stream') this.stream(output.name, output.text);
      else if (output.type === 'display') this.display(output.data, output.displayId);
      else if (output.type === 'update') this.update(output.displayId, output.data);
      else if (output.type === 'value') {
        const holder = element('div', 'value');
        holder.append(element('span', 'label', 'value'), bundleElement(output.data));
        this.root.append(holder);
      } else this.error(output.error);
    }
    if (result.truncated === true) this.notice('Output was cut at the server’s output limit.');
  }
}

/** The richest representation of a bundle the page can show safely. */
export function bundleElement(data: MimeBundle): HTMLElement {
  const html = data['text/html'];
  if (html !== undefined) return htmlFrame(html);
  const svg = data['image/svg+xml'];
  if (svg !== undefined) return image(`data:image/svg+xml;base64,${base64OfText(svg)}`);
  const raster = IMAGE_TYPES.find((type) => data[type] !== undefined);
  if (raster !== undefined) return image(`data:${raster};base64,${data[raster]}`);
  const json = data['application/json'];
  if (json !== undefined) return element('pre', 'plain', JSON.stringify(JSON.parse(json), null, 2));
  const text = data['text/markdown'] ?? data['text/latex'] ?? data['text/plain'] ?? '';
  return element('pre', 'plain', text);
}

// Sandboxed without allow-scripts: no script of the HTML runs (inline, event handler or
// javascript: URL). allow-same-origin only lets the page read the frame's height to fit it.
function htmlFrame(html: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.className = 'html';
  frame.setAttribute('sandbox', 'allow-same-origin');
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.srcdoc = html;
  frame.addEventListener('load', () => {
    const height = frame.contentDocument?.documentElement.scrollHeight;
    if (height !== undefined) frame.style.height = `${Math.min(height + 4, 600)}px`;
  });
  return frame;
}

function image(source: string): HTMLImageElement {
  const img = document.createElement('img');
  img.className = 'figure';
  img.alt = 'figure';
  img.src = source;
  return img;
}

function element(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function base64OfText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
