#!/usr/bin/env bash
# Builds the libFuzzer executable with AddressSanitizer and fuzzes each target in turn.
#   fuzz/run.sh [SECONDS] [TARGET...]
# SECONDS (default 60) is the total, shared evenly by the targets (at least 10 s each); the
# targets default to all of them: parser, evaluator, redaction, emitter, fmt, lsp, import.
#   fuzz/run.sh 1800 evaluator     # half an hour on the evaluator
#   JOBS=2 fuzz/run.sh 600         # two fuzzing processes per target
# Seeds: fuzz/seeds/files/ (whole files, with the shipped tiers and the examples) for `parser`
# and `fmt`, fuzz/seeds/sessions/ (language server sessions) for `lsp`, fuzz/seeds/bodies/
# (tenant bodies) for the others. New interesting inputs go to
# fuzz/corpus/TARGET/, findings to fuzz/crashes/ (neither is committed). Every target runs even
# after another's finding; the exit status is non-zero when any target had one.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
if [ "${#targets[@]}" = 0 ]; then targets=(parser evaluator redaction emitter fmt lsp import); fi
jobs="${JOBS:-1}"
each=$(( seconds / ${#targets[@]} ))
if [ "$each" -lt 10 ]; then each=10; fi

TENANTC_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product tenantc-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >&2
bin="$(TENANTC_FUZZ=1 swift build -c release --scratch-path .build-fuzz --show-bin-path)/tenantc-fuzz"

files=$(mktemp -d)
trap 'rm -rf "$files"' EXIT
cp tiers/*.tenant examples/*.tenant examples/invalid/*.tenant fuzz/seeds/files/* "$files"/

export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
# Limits (docs/robustness.md, "Fuzzing"): an input that runs 5 s, or a single allocation of
# 512 MiB, or a process of 2 GiB is a finding. Normal inputs take milliseconds and a few MiB.
limits=(-timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=4096)
failed=()
for target in "${targets[@]}"; do
  case "$target" in
    parser|fmt) seeds="$files" ;;
    evaluator|redaction|emitter) seeds=fuzz/seeds/bodies ;;
    lsp) seeds=fuzz/seeds/sessions ;;
    import) seeds=fuzz/seeds/documents ;;
    *) echo "fuzz: unknown target $target (parser, evaluator, redaction, emitter, fmt, lsp, import)" >&2; exit 2 ;;
  esac
  mkdir -p "fuzz/corpus/$target" fuzz/crashes
  args=("fuzz/corpus/$target" "$seeds" -dict=fuzz/tenant.dict -max_total_time="$each" "${limits[@]}"
        -artifact_prefix="fuzz/crashes/$target-" -print_final_stats=1)
  if [ "$jobs" -gt 1 ]; then args+=(-jobs="$jobs" -workers="$jobs"); fi
  echo "fuzz: $target for $each s" >&2
  if ! TENANTC_FUZZ_TARGET="$target" "$bin" "${args[@]}"; then failed+=("$target"); fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (inputs in fuzz/crashes/)" >&2
  exit 1
fi
