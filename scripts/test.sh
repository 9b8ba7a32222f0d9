#!/usr/bin/env bash
# Runs every test file with node's own test runner (Node 20 expands no globs, so list them here),
# readable as it goes (spec), and ends with one plain "N passed, N failed" line from the TAP copy.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
mapfile -t files < <(find src test -name '*.test.ts' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
status=0
node --import tsx --test \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}" || status=$?
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap")
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap")
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
