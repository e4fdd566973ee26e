import { execFileSync } from 'node:child_process';

// Figures need matplotlib, which Debian's python3 gets from the python3-matplotlib package.
// .ci/run installs it, so under CI a missing matplotlib fails instead of skipping.
export const matplotlibPython = process.env.PYEXEC_MATPLOTLIB_PYTHON || '/usr/bin/python3';

export const hasMatplotlib = (() => {
  try {
    execFileSync(matplotlibPython, ['-c', 'import matplotlib'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

if (process.env.CI && !hasMatplotlib) {
  throw new Error(`CI needs matplotlib for ${matplotlibPython}: apt-get install python3-matplotlib`);
}
