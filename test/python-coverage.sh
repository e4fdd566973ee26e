#!/usr/bin/env bash
# Line and branch coverage of the harness (python-runtime/pyexec_harness) by its own tests,
# harness processes they start included; prints the table. Needs coverage for /usr/bin/python3
# (`apt-get install python3-coverage`).
set -euo pipefail
cd "$(dirname "$0")/.."
python=/usr/bin/python3
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
cat > "$data/rc" <<RC
[run]
branch = True
parallel = True
source = pyexec_harness
data_file = $data/.coverage
RC
cd python-runtime
COVERAGE_PROCESS_START="$data/rc" PYTHONPATH="$PWD/../test/python-coverage" \
  "$python" -m coverage run --rcfile="$data/rc" -m unittest discover -s tests -t . 2>&1 | tail -3
"$python" -m coverage combine --rcfile="$data/rc" >/dev/null
# The least covered modules first, then the total.
"$python" -m coverage report --rcfile="$data/rc" --sort=cover | sed -n "1,14p;\$p"
