import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tiny distribution to build: its name, version, import package, dependencies. */
export interface TinyDistribution {
  name: string;
  version: string;
  module: string;
  requires?: string[];
}

// The interpreter that builds wheels: setuptools with `wheel` (Debian's python3 has both).
function wheelBuilder(): string {
  for (const python of ['/usr/bin/python3', process.env.PYEXEC_PYTHON || 'python3']) {
    try {
      execFileSync(python, ['-c', 'import setuptools, wheel'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next
    }
  }
  throw new Error(
    'no Python with setuptools and wheel here to build test wheels (apt-get install python3-setuptools python3-wheel)',
  );
}

/** Builds wheels of `distributions` from source with setuptools, offline; returns their directory. */
export function buildWheels(distributions: readonly TinyDistribution[]): string {
  const python = wheelBuilder();
  const root = mkdtempSync(join(tmpdir(), 'pyexec-wheels-'));
  const wheels = join(root, 'wheels');
  mkdirSync(wheels);
  for (const distribution of distributions) {
    const source = join(root, `${distribution.name}-${distribution.version}`);
    mkdirSync(join(source, distribution.module), { recursive: true });
    writeFileSync(
      join(source, distribution.module, '__init__.py'),
      `VERSION = ${JSON.stringify(distribution.version)}\n`,
    );
    writeFileSync(
      join(source, 'setup.py'),
      'from setuptools import setup\n' +
        `setup(name=${JSON.stringify(distribution.name)}, version=${JSON.stringify(distribution.version)}, ` +
        `packages=[${JSON.stringify(distribution.module)}], install_requires=${JSON.stringify(distribution.requires ?? [])})\n`,
    );
    execFileSync(
      python,
      [
        '-m',
        'pip',
        'wheel',
        '--no-deps',
        '--no-build-isolation',
        '--no-index',
        '--disable-pip-version-check',
        '-q',
        '-w',
        wheels,
        source,
      ],
      {
        cwd: source,
        stdio: 'ignore',
      },
    );
  }
  return wheels;
}

/** A PEP 503 simple index of a wheel directory, served on 127.0.0.1; it counts what it is asked. */
export interface PackageIndex {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export async function serveIndex(wheelDir: string, options: { silent?: boolean } = {}): Promise<PackageIndex> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (options.silent) return; // an index that accepts connections and never answers
    const url = request.url ?? '/';
    const wheels = readdirSync(wheelDir).filter((file) => file.endsWith('.whl'));
    const project = /^\/simple\/([^/]+)\/?$/.exec(url);
    if (project) {
      const files = wheels.filter(
        (file) => normalize(file.split('-')[0] as string) === normalize(project[1] as string),
      );
      if (files.length === 0) {
        response.writeHead(404).end('not found');
        return;
      }
      const links = files.map((file) => `<a href="/files/${file}">${file}</a>`).join('\n');
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<!DOCTYPE html><html><body>\n${links}\n</body></html>`);
      return;
    }
    const file = /^\/files\/([^/]+\.whl)$/.exec(url);
    if (file && wheels.includes(file[1] as string)) {
      response
        .writeHead(200, { 'content-type': 'application/octet-stream' })
        .end(readFileSync(join(wheelDir, file[1] as string)));
      return;
    }
    response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/simple`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Another process (another host, say) holding the install lock of environment `dir`: it takes
 * the lock, says `held`, waits `seconds`, then says `touched` or `untouched` by whether the
 * Python expression `probe` (over `dir`, as `d`) is true, so a test sees what ran meanwhile.
 * Resolves once it holds the lock, with what it has said so far.
 */
export async function holdInstallLock(
  python: string,
  dir: string,
  seconds: number,
  probe: string,
): Promise<() => string> {
  const holding = [
    'import fcntl, glob, os, sys, time',
    'd = sys.argv[1]',
    'f = open(d + "/.pyexec-install.lock", "a")',
    'fcntl.flock(f, fcntl.LOCK_EX)',
    'print("held", flush=True)',
    `time.sleep(${seconds})`,
    `print("touched" if (${probe}) else "untouched", flush=True)`,
  ].join('\n');
  const holder = spawn(python, ['-c', holding, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  holder.stdout.setEncoding('utf8');
  holder.stdout.on('data', (text: string) => (said += text));
  const deadline = Date.now() + 20_000;
  while (!said.includes('held')) {
    if (Date.now() > deadline) throw new Error('the lock holder never took the lock');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return () => said;
}
