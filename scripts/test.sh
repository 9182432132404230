#!/usr/bin/env bash
# Runs the test suite (everything but Category=Slow/Gpu/Model) and prints "N passed, N failed".
# Usage: scripts/test.sh [extra dotnet test args]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-deps.sh
log="$(mktemp)"
dotnet test SpectroFlow.sln -c Release --filter "Category!=Slow&Category!=Gpu&Category!=Model" \
  --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Each test assembly ends with "Total tests: N" followed by indented "Passed: N", "Failed: N", "Skipped: N" lines.
sum() { grep -E "^ +$1: +[0-9]+ *$" "$log" | sed -E 's/[^0-9]*([0-9]+).*/\1/' | awk '{s += $1} END {print s + 0}'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)
# Repeat each failure with the first lines of its message here, so the end of the output (all CI shows) names them.
if [ "$failed" -gt 0 ]; then
  echo "Failed tests:"
  grep -E -A4 "^ +Failed [A-Za-z]" "$log" | grep -v -E "^ *(--|Stack Trace:)?$" | cut -c1-300
fi
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test exited with $status (build or runner failure)"; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
