#!/usr/bin/env bash
# Runs every test file with node's own test runner (Node 20 expands no globs, so list them here).
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
mapfile -t files < <(find src test -name '*.test.ts' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
exec node --import tsx --test --test-reporter=spec "${files[@]}"
