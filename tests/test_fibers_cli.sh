#!/usr/bin/env bash
# bench_fibers: exit codes (0 help/version, 1 usage, 2 bad or missing data), no output left behind
# on failure, and a tiny end-to-end run on a synthetic IDX file.  Prints TAP.
set -u
bench="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fails=0
check() { # description, expected exit code, expected stderr text, command...
  local desc="$1" want="$2" text="$3"; shift 3
  n=$((n + 1))
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$tmp/err" "$tmp/out"; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc (exit $rc, stderr: $(head -c 300 "$tmp/err"))"
    fails=$((fails + 1))
  fi
}
mkdir "$tmp/res" "$tmp/fm" "$tmp/bad"
check "--help exits 0" 0 "usage" "$bench" --help
check "--version exits 0" 0 "bench_fibers" "$bench" --version
check "unknown option exits 1" 1 "usage" "$bench" --no-such-option
check "bad dataset name exits 1" 1 "expected cifar10" "$bench" --dataset mnist
check "bad activation exits 1" 1 "usage" "$bench" --activation tanh
check "missing Fashion-MNIST exits 2" 2 "train-images-idx3-ubyte.gz" \
  "$bench" --dataset fashion-mnist --fmnist-dir "$tmp/none" --out-dir "$tmp/res"
printf 'not an idx file at all' > "$tmp/bad/train-images-idx3-ubyte.gz"
check "malformed IDX exits 2" 2 "magic" \
  "$bench" --dataset fashion-mnist --fmnist-dir "$tmp/bad" --out-dir "$tmp/res"
n=$((n + 1))
if [ -z "$(ls -A "$tmp/res")" ]; then echo "ok $n - no output left on failure"; else
  echo "not ok $n - output left: $(ls "$tmp/res")"; fails=$((fails + 1)); fi
# 120 random 8x8 images in IDX3 format (magic 0x803, n, rows, cols, then bytes).
{ printf '\x00\x00\x08\x03\x00\x00\x00\x78\x00\x00\x00\x08\x00\x00\x00\x08'
  head -c $((120 * 64)) /dev/urandom; } > "$tmp/fm/train-images-idx3-ubyte.gz"
check "end-to-end run on a synthetic IDX file" 0 "grad_x Theta" \
  "$bench" --dataset fashion-mnist --fmnist-dir "$tmp/fm" --out-dir "$tmp/res" --pairs 20 \
  --images 120 --width 16
n=$((n + 1))
if [ -s "$tmp/res/augmentation.md" ] && [ -s "$tmp/res/augmentation.csv" ] &&
   [ -s "$tmp/res/figures/augmentation-count-fashion-mnist.dat" ]; then
  echo "ok $n - csv, md and figure data written"; else
  echo "not ok $n - outputs missing"; fails=$((fails + 1)); fi
echo "1..$n"
[ "$fails" -eq 0 ]
