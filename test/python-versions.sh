#!/usr/bin/env bash
# The harness claims Python >= 3.9: runs its unit tests and the contract suite against every
# interpreter of the supported versions present on this machine (pyenv's, and Debian's own),
# and says which were not there. Run by .ci/run after `npm test`; `npm run test:versions` too.
set -euo pipefail
cd "$(dirname "$0")/.."

interpreters=()
# 3.11 is the machine default (python3), which `npm test` already ran.
for version in 3.9 3.10 3.12 3.13; do
  found=$(ls -d "$HOME"/.pyenv/versions/"$version".*/bin/python 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$found" ]; then interpreters+=("$found"); else echo "python-versions: no pyenv Python $version here, skipped"; fi
done
if [ -x /usr/bin/python3 ]; then interpreters+=(/usr/bin/python3); else echo "python-versions: no /usr/bin/python3 here, skipped"; fi

for python in "${interpreters[@]}"; do
  echo "python-versions: $python ($("$python" -c 'import sys; print(sys.version.split()[0])'))"
  "$python" -m unittest discover -s python-runtime/tests -t python-runtime
  PYEXEC_PYTHON="$python" npx vitest run test/contract test/isolation test/executors
done
