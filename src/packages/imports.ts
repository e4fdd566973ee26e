import { PyExecError } from '../core/errors.js';
import { defaultPython } from './environment.js';
import { DISTRIBUTION_OF_IMPORT, distributionForModule } from './distribution-names.js';
import { runPythonTool } from './python-tool.js';

export interface ImportOptions {
  /** The interpreter that parses the code and looks the modules up. @default PYEXEC_PYTHON ?? 'python3' */
  python?: string;
  /** A launcher prefix, as the executor's `command` option. */
  command?: readonly string[];
}

/** What autoInstall asks besides: directories workers find modules in (its `target`). */
interface AnalysisOptions extends ImportOptions {
  readonly searchPaths?: readonly string[];
}

/** A piece of code's imports, and those of them the interpreter cannot find. */
export interface ImportAnalysis {
  /** Top-level names, in order of appearance. */
  imports: string[];
  missing: MissingModule[];
}

export interface MissingModule {
  /** What the code imports and this interpreter cannot find (`yaml`, `google.protobuf`). */
  module: string;
  /** The distribution to install for it (`PyYAML`, `protobuf`). */
  distribution: string;
}

interface Analysis {
  imports?: string[];
  missing?: { module: string; top: string }[];
  syntaxError?: { message: string; line: number | null };
}

const DOTTED_KEYS = Object.keys(DISTRIBUTION_OF_IMPORT).filter((key) => key.includes('.'));

async function analyse(code: string, options: AnalysisOptions): Promise<Analysis> {
  if (typeof code !== 'string')
    throw new PyExecError(
      'INVALID_OPTION',
      `Expected the \`code\` option to be a string of Python source, got \`${typeof code}\``,
    );
  const result = await runPythonTool('imports', {
    python: options.python ?? defaultPython(),
    command: options.command,
    input: JSON.stringify({ code, dotted: DOTTED_KEYS, searchPaths: options.searchPaths ?? [] }),
    // Modules must be found as workers find them: PYTHONPATH and the user's site-packages count.
    isolated: false,
    timeoutMs: 30_000,
    timeoutCode: 'WORKER_START_FAILED',
  });
  let analysis: Analysis;
  try {
    analysis = JSON.parse(result.stdout) as Analysis;
  } catch {
    throw new PyExecError('WORKER_START_FAILED', `The import analysis failed:\n${result.log.slice(-2000)}`);
  }
  if (analysis.syntaxError) {
    const { message, line } = analysis.syntaxError;
    throw new PyExecError('SYNTAX_ERROR', `The code does not parse: ${message}${line ? ` (line ${line})` : ''}`);
  }
  return analysis;
}

/**
 * The top-level modules `code` imports, in order of appearance, parsed by Python's `ast`:
 * `import a.b as c` gives `a`; imports inside functions and `try/except ImportError` alternatives
 * count; relative imports do not. Code that does not parse rejects with SYNTAX_ERROR.
 */
export async function detectImports(code: string, options: ImportOptions = {}): Promise<string[]> {
  return (await analyse(code, options)).imports ?? [];
}

/**
 * The modules `code` imports that the interpreter cannot find (importlib.util.find_spec), each with
 * the distribution to install; standard-library modules are never listed.
 */
export async function findMissingModules(code: string, options: ImportOptions = {}): Promise<MissingModule[]> {
  return (await analyseImports(code, options)).missing;
}

/** detectImports and findMissingModules in one run of the interpreter. */
export async function analyseImports(code: string, options: AnalysisOptions = {}): Promise<ImportAnalysis> {
  const analysis = await analyse(code, options);
  const missing = (analysis.missing ?? []).map(({ module }) => ({
    module,
    distribution: distributionForModule(module),
  }));
  return { imports: analysis.imports ?? [], missing };
}
