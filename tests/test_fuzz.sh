#!/usr/bin/env bash
# Keeps the libFuzzer harnesses of tests/fuzz alive: builds them in a build directory of their
# own (SOURCE_ROOT/build-fuzz: clang, ASan + UBSan, -Dfuzz=true) and runs each on its seed
# corpus for a short fixed budget; any crash, sanitizer report, leak or broken invariant fails.
# Without clang or libFuzzer every harness is a visible skip.  Prints TAP.  docs/fuzzing.md says
# how to fuzz for hours.
#   test_fuzz.sh SOURCE_ROOT [SECONDS per harness; default $NTKB_FUZZ_SECONDS, else 10]
set -u
src="$1"
secs="${2:-${NTKB_FUZZ_SECONDS:-10}}"
dir="$src/build-fuzz"
targets=(gin tu npy idx cifar folds results)
n=0 fails=0
skip_all() {
  for t in "${targets[@]}"; do n=$((n + 1)); echo "ok $n - fuzz_$t # SKIP $1"; done
  echo "1..$n"
  exit 0
}
fail_all() {
  for t in "${targets[@]}"; do n=$((n + 1)); echo "not ok $n - fuzz_$t: $1"; done
  echo "1..$n"
  exit 1
}

command -v clang >/dev/null 2>&1 || skip_all "clang not found"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
  > "$probe/probe.c"
clang -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" 2>/dev/null ||
  skip_all "clang cannot link libFuzzer (-fsanitize=fuzzer)"

if [ ! -d "$dir/meson-private" ]; then
  CC=clang meson setup "$dir" "$src" -Dfuzz=true -Db_sanitize=address,undefined \
    -Dbuildtype=debugoptimized -Db_lundef=false -Dtests=disabled >"$probe/setup.log" 2>&1 ||
    fail_all "meson setup $dir failed: $(tail -c 300 "$probe/setup.log")"
fi
ninja -C "$dir" "${targets[@]/#/tests/fuzz/fuzz_}" >"$probe/build.log" 2>&1 ||
  fail_all "the harnesses do not build: $(grep -m3 error "$probe/build.log")"

mkdir -p "$dir/fuzz-artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
for t in "${targets[@]}"; do
  n=$((n + 1))
  mkdir "$probe/$t" # new inputs go here, never into the seeds of the source tree
  "$dir/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/fuzz-artifacts/$t-" \
    "$probe/$t" "$src/tests/fuzz/corpus/$t" >"$probe/$t.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$probe/$t.log")
  cov=$(grep -o 'cov: [0-9]*' "$probe/$t.log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    echo "ok $n - fuzz_$t: ${execs:-?} executions in ${secs} s, ${cov:-cov: ?} (libFuzzer coverage points)"
  else
    echo "not ok $n - fuzz_$t (exit $rc; input kept in $dir/fuzz-artifacts/):"
    grep -m12 -E 'ERROR|SUMMARY|invariant|#[0-9]+ 0x|Test unit written' "$probe/$t.log" | sed 's/^/# /'
    fails=$((fails + 1))
  fi
done
echo "1..$n"
[ "$fails" -eq 0 ]
