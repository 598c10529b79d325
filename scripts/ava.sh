#!/usr/bin/env bash
# Runs ava with its default reporter, then prints the plain "N passed, N failed" closing line
# CI reads (ava prints no passed count when anything fails). Keeps ava's exit code.
set -o pipefail
out=$(mktemp)
trap 'rm -f "$out"' EXIT
npx ava "$@" 2>&1 | tee "$out"; rc=${PIPESTATUS[0]}
p=$(grep -cE '^\s+(✔|√) ' "$out")
f=$(grep -cE '^\s+(✘|×) \[fail\]' "$out")
pend=$(sed -nE 's/^\s+([0-9]+) tests? remained pending after a timeout$/\1/p' "$out")
f=$((f + ${pend:-0}))
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crash, uncaught exception, failed hook
echo "$p passed, $f failed"
exit "$rc"
