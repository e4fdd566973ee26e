import { PyExecError } from '../core/errors.js';
import type { ExecutionResult } from '../core/results.js';
import { bytesOf, expectRelativePath, expectWithinInputLimit } from '../options/call-files.js';
import type { NormalizedLimits } from '../options/limits.js';
import type { FileOperation } from '../protocol/messages.js';
import { base64Of } from '../pool/call-input.js';

/** An entry of `session.listFiles()`. */
export interface SessionFileEntry {
  name: string;
  /** A symlink is listed as one, never followed. */
  type: 'file' | 'directory' | 'symlink';
  size: number;
  /** Epoch milliseconds. */
  modifiedAt: number;
}

/**
 * A session's files as its host reads and writes them: each operation runs in the session's own
 * process, in the order of its calls (session_files.py), on a path relative to its working
 * directory that no symlink on the way can lead out of.
 */
export class SessionFiles {
  constructor(
    /** Runs `operation` as a request of the session's own, after its earlier calls. */
    private readonly perform: (operation: FileOperation) => Promise<ExecutionResult>,
    private readonly limits: NormalizedLimits,
  ) {}

  async write(path: unknown, data: unknown): Promise<void> {
    const relative = expectRelativePath('path', path);
    if (typeof data !== 'string' && !(data instanceof Uint8Array))
      throw new PyExecError('INVALID_OPTION', 'Expected `data` to be a string or a Uint8Array');
    expectWithinInputLimit('`data`', bytesOf(data), this.limits.maxInputBytes);
    await this.answer({ op: 'write', path: relative, base64: base64Of(data) });
  }

  async read(path: unknown): Promise<Uint8Array> {
    const relative = expectRelativePath('path', path);
    const maxBytes = Math.min(this.limits.maxOutputBytes, Number.MAX_SAFE_INTEGER);
    return new Uint8Array(Buffer.from(await this.answer({ op: 'read', path: relative, maxBytes }), 'base64'));
  }

  async list(directory?: unknown): Promise<SessionFileEntry[]> {
    const relative = directory === undefined || directory === '' ? '' : expectRelativePath('directory', directory);
    return JSON.parse(await this.answer({ op: 'list', path: relative })) as SessionFileEntry[];
  }

  async remove(path: unknown): Promise<void> {
    await this.answer({ op: 'remove', path: expectRelativePath('path', path) });
  }

  // The operation's value; what went wrong as SESSION_FILE_ERROR.
  private async answer(operation: FileOperation): Promise<string> {
    const result = await this.perform(operation);
    if (result.status === 'ok') return result.value ?? '';
    const why = result.error === undefined ? result.status : `${result.error.type}: ${result.error.message}`;
    throw new PyExecError(
      'SESSION_FILE_ERROR',
      `Could not ${operation.op} ${JSON.stringify(operation.path)} in the session: ${why}`,
    );
  }
}
