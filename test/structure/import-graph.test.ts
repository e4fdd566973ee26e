import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// src/ imports downward only: a cycle hides which layer owns what (a default decided in two
// places, say). Type-only imports count too: they say which layer depends on which.
const src = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const IMPORT = /^(?:import|export)\b[^'";]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gm;

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    graph.set(
      relative(src, file),
      [...text.matchAll(IMPORT)].map((match) =>
        relative(src, resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'))),
      ),
    );
  }
  return graph;
}

// Tarjan's strongly connected components: every one of more than one file is a cycle.
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) as number, low.get(target) as number));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file) as number, index.get(target) as number));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('has no cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    expect(
      cycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['c.ts']],
          ['c.ts', ['a.ts']],
          ['d.ts', ['a.ts']],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('keeps core/ at the ground: it imports nothing outside it', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      file.startsWith('core/') ? targets.filter((target) => !target.startsWith('core/')) : [],
    );
    expect(upward).toEqual([]);
  });

  it('keeps options/ below strategies/, pool/ and executors/', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      file.startsWith('options/')
        ? targets
            .filter((target) => /^(strategies|pool|executors)\//.test(target))
            .map((target) => `${file} -> ${target}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  it('keeps pool/ below strategies/ and executors/', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      file.startsWith('pool/')
        ? targets.filter((target) => /^(strategies|executors)\//.test(target)).map((target) => `${file} -> ${target}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  it("keeps executors/ (the classes' shared bases) below each strategy's folder and the registry", () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      file.startsWith('executors/')
        ? targets
            .filter((target) => target.startsWith('strategies/') && target !== 'strategies/strategy.ts')
            .map((target) => `${file} -> ${target}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  it('keeps sessions/ below executors/ and strategies/, and pool/ below sessions/', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets
        .filter(
          (target) =>
            (file.startsWith('sessions/') && /^(executors|strategies)\//.test(target)) ||
            (file.startsWith('pool/') && target.startsWith('sessions/')),
        )
        .map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });
});
