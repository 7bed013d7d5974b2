#!/usr/bin/env bash
# bench/run.sh [N ...]   (default: 1000 10000)
# Builds tenantc in release mode and measures, for each N, `build --emit yaml`,
# `build --emit yaml,json`, `check` of all N and `check` of one file: median wall time of
# RUNS (3) runs, tenants/second and peak RSS; from N=1000 on, the language server's publication
# times and memory (bench/lsp.py). With PEERS=<writable copy of the peers'
# benchmark folder>, also runs the peers on the same workload in the same session and verifies
# tenantc's output against theirs. Results: bench/work/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >&2
exec python3 bench/bench.py "$@"
