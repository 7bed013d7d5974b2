#!/usr/bin/env bash
# Builds the libFuzzer target with AddressSanitizer and fuzzes for SECONDS (default 60).
# Seeds: the shipped tiers, the examples (valid and invalid) and fuzz/seeds/. New interesting
# inputs go to fuzz/corpus/ (not committed); crashes to fuzz/crashes/. Exits non-zero on a crash.
#   fuzz/run.sh 1800            # half an hour
#   JOBS=2 fuzz/run.sh 600      # two fuzzing processes
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
jobs="${JOBS:-1}"

TENANTC_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product tenantc-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >&2
bin="$(TENANTC_FUZZ=1 swift build -c release --scratch-path .build-fuzz --show-bin-path)/tenantc-fuzz"

mkdir -p fuzz/corpus fuzz/crashes
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
cp tiers/*.tenant examples/*.tenant examples/invalid/*.tenant "$seeds"/
cp fuzz/seeds/* "$seeds"/ 2>/dev/null || true

export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
args=(fuzz/corpus "$seeds" -dict=fuzz/tenant.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096
      -max_len=16384 -artifact_prefix=fuzz/crashes/ -print_final_stats=1)
if [ "$jobs" -gt 1 ]; then
  args+=(-jobs="$jobs" -workers="$jobs")
fi
"$bin" "${args[@]}"
