#!/usr/bin/env bash
# The one test command: lint, type-check, then every test (tests start the real servers
# they need: etcd, ZeroMQ bridges, network namespaces). Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
if ! npx eslint . ; then echo "lint failed"; echo "0 passed, 1 failed"; exit 1; fi
if ! npx tsc --noEmit ; then echo "typecheck failed"; echo "0 passed, 1 failed"; exit 1; fi
exec bash scripts/ava.sh "$@"
