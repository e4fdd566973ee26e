import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A container running here to exec workers into, or why none could be run. */
export type TestContainer =
  | {
      readonly engine: 'docker' | 'podman';
      readonly container: string;
      /** Command lines of the processes running in it that contain `part`. */
      processesNaming(part: string): string[];
      /** The container stops (every process in it killed), then starts again. */
      kill(): void;
      start(): void;
      remove(): void;
    }
  | { readonly skipped: string };

const IMAGE = 'pyexec-test-root:1';

// Lists the container's processes from inside it (its own pid namespace): one per line.
const LIST_PROCESSES =
  'import os\nfor p in os.listdir("/proc"):\n    try:\n        print(open("/proc/" + p + "/cmdline", "rb").read().replace(b"\\0", b" ").decode())\n    except (OSError, ValueError):\n        pass';

function said(error: unknown): string {
  const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
  return (stderr.split('\n').pop() ?? '') || (error as Error).message;
}

// An image with nothing but the directories a Debian root needs (bin, lib… pointing into /usr,
// which the container mounts read-only from this machine): nothing to pull, Python as here.
function importImage(run: (args: string[], input?: Buffer) => string): void {
  const root = mkdtempSync(join(tmpdir(), 'pyexec-image-'));
  try {
    for (const dir of ['usr', 'tmp', 'root', 'etc', 'proc', 'sys', 'dev']) mkdirSync(join(root, dir));
    for (const dir of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${dir}`, join(root, dir));
    try {
      run(['image', 'inspect', IMAGE]);
    } catch {
      run(['import', '-', IMAGE], execFileSync('tar', ['-C', root, '-c', '.']));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Starts a container with Python where an engine (docker, else podman) can run one here: from a
 * minimal image imported from a local rootfs, with this machine's /usr mounted read-only. No
 * network; a sleep as its main process.
 */
export function startTestContainer(): TestContainer {
  const reasons: string[] = [];
  for (const engine of ['docker', 'podman'] as const) {
    const run = (args: string[], input?: Buffer) =>
      execFileSync(engine, args, { input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000, encoding: 'utf8' });
    try {
      run(['info']);
    } catch (error) {
      reasons.push(
        (error as { code?: string }).code === 'ENOENT'
          ? `${engine} is not installed`
          : `${engine} cannot reach its engine: ${said(error)}`,
      );
      continue;
    }
    const container = `pyexec-test-${process.pid}-${Date.now()}`;
    try {
      importImage(run);
      run(['run', '-d', '--name', container, '--network', 'none', '-v', '/usr:/usr:ro', IMAGE, 'sleep', '3600']);
      run(['exec', container, 'python3', '-c', 'pass']);
    } catch (error) {
      reasons.push(`${engine} cannot run a container here: ${said(error)}`);
      try {
        run(['rm', '-f', container]);
      } catch {
        // (never made)
      }
      continue;
    }
    return {
      engine,
      container,
      processesNaming: (part) =>
        run(['exec', container, 'python3', '-c', LIST_PROCESSES])
          .split('\n')
          .filter((line) => line.includes(part)),
      kill: () => void run(['kill', container]),
      start: () => void run(['start', container]),
      remove: () => void run(['rm', '-f', container]),
    };
  }
  return { skipped: reasons.join('; ') };
}
