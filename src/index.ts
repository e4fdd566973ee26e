export { createExecutor, type ExecutorFor } from './executors/create-executor.js';
export { BaselineExecutor } from './executors/baseline.js';
export { ForkedExecutor } from './executors/forked.js';
export { IsolatedExecutor } from './executors/isolated.js';
export { OptimizedExecutor } from './executors/optimized.js';
export type { PythonExecutor } from './executors/types.js';
export type {
  CrashedResult,
  DroppedBytes,
  ErrorResult,
  ExecutionResult,
  InterruptedResult,
  OkResult,
  ExecutionStatus,
  ExecutorEvents,
  ExecutorStatus,
  ExecutorTotals,
  Figure,
  OutputEvent,
  PythonError,
  RunningExecution,
  WorkerEvent,
  WorkerState,
  WorkerStatus,
} from './core/results.js';
export { PyExecError, type PyExecErrorCode } from './core/errors.js';
export { type ExecutorOptions } from './options/executor-options.js';
export { isStrategyName, STRATEGIES, type StrategyName } from './core/strategy-names.js';
export type { ResourceLimits } from './options/limits.js';
export type { WorkerLifeOptions } from './options/worker-options.js';
export type { RunOptions } from './options/run-options.js';
export { installPackages, type InstallResult, type InstalledDistribution } from './packages/install.js';
export type { InstallOptions, PackageSource } from './packages/install-options.js';
export { createEnvironment, type Environment, type EnvironmentOptions } from './packages/environment.js';
export { detectImports, findMissingModules, type ImportOptions, type MissingModule } from './packages/imports.js';
export type { AutoInstallOptions } from './packages/auto-install.js';
export type { SandboxOptions } from './sandbox/sandbox-options.js';
