export { createExecutor, type ExecutorFor } from './create-executor.js';
export { BaselineExecutor } from './strategies/baseline/executor.js';
export { ForkedExecutor } from './strategies/forked/executor.js';
export { IsolatedExecutor } from './strategies/isolated/executor.js';
export { OptimizedExecutor } from './strategies/optimized/executor.js';
export type { PythonExecutor } from './executors/types.js';
export type {
  CrashedResult,
  DisplayEvent,
  DisplayOutput,
  DroppedBytes,
  ErrorOutput,
  ErrorResult,
  ExecutionResult,
  InterruptedResult,
  MimeBundle,
  OkResult,
  Output,
  ExecutionStatus,
  ExecutorEvents,
  ExecutorStatus,
  ExecutorTotals,
  Figure,
  FigureFormat,
  HostState,
  HostStatus,
  OutputEvent,
  OutputFile,
  PythonError,
  ResourceUsage,
  RunningExecution,
  SessionEndReason,
  SessionInfo,
  SessionState,
  StreamOutput,
  UpdateOutput,
  ValueOutput,
  WorkerEvent,
  WorkerState,
  WorkerStatus,
} from './core/results.js';
export { PyExecError, type PyExecErrorCode } from './core/errors.js';
export { type ExecutorOptions } from './options/executor-options.js';
export type { HostOptions } from './hosts/host-options.js';
export type { ContainerPreset, KubectlPreset, LauncherPreset, SshPreset } from './hosts/presets.js';
export type { CommandQuoting } from './worker/launcher-argv.js';
export { isStrategyName, STRATEGIES, type StrategyCapabilities, type StrategyName } from './core/strategy-names.js';
export type { ResourceLimits } from './options/limits.js';
export type { WorkerLifeOptions } from './options/worker-options.js';
export type { RunOptions } from './options/run-options.js';
export type { StreamEvent } from './pool/call-stream.js';
export type { SessionLifeOptions, SessionOptions } from './options/session-options.js';
export type { Session } from './sessions/session.js';
export type { ForkOptions } from './sessions/session-fork.js';
export type { SessionFileEntry } from './sessions/session-files.js';
export { installPackages, type InstallResult, type InstalledDistribution } from './packages/install.js';
export type { InstallOptions, PackageSource } from './packages/install-options.js';
export { createEnvironment, type Environment, type EnvironmentOptions } from './packages/environment.js';
export { detectImports, findMissingModules, type ImportOptions, type MissingModule } from './packages/imports.js';
export type { AutoInstallOptions, ExecutorInstallOptions } from './packages/auto-install.js';
export type { SandboxOptions } from './sandbox/sandbox-options.js';
