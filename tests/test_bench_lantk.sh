#!/usr/bin/env bash
# bench_lantk end to end on a tiny generated CIFAR-10 directory (official and mirror names):
# the .npy outputs and meta.json exist, a run with regression prints an accuracy; bad input
# exits 2 with a message naming the file; usage errors exit 1.  Prints TAP.
set -u
bench="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
check() { # description, expected exit code, expected stderr text, command...
  local desc="$1" want="$2" text="$3"; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$tmp/err"; then ok "$desc"
  else bad "$desc (exit $rc, stderr: $(tail -c 300 "$tmp/err"))"; fi
}
# records: label byte (cycling 0..3) then 3072 pseudo-random pixel bytes
mkbatch() { # file, records
  : > "$1"
  for ((r = 0; r < $2; r++)); do
    printf "\\x0$((r % 4))" >> "$1"
    head -c 3072 /dev/urandom >> "$1"
  done
}
mkdir -p "$tmp/c10"
mkbatch "$tmp/c10/data_batch_1.first12.bin" 12
for b in 2 3 4 5; do mkbatch "$tmp/c10/data_batch_$b.bin" 4; done
mkbatch "$tmp/c10/test_batch.bin" 8

check "gram-only run exits 0" 0 "pair 0,1: 14 train, 4 test" \
  "$bench" --dataset cifar10 --data-dir "$tmp/c10" --pair 0,1 --kernel cntk --gram-only --out "$tmp/o1"
for f in K_train.npy K_test.npy y_train.npy y_test.npy meta.json; do
  if [ -s "$tmp/o1/$f" ]; then ok "writes $f"; else bad "writes $f"; fi
done
# 14×14 float64 Gram: 128-byte header + 14·14·8 bytes; test block 4×14
sz=$(stat -c %s "$tmp/o1/K_train.npy"); [ "$sz" -eq $((128 + 14 * 14 * 8)) ] && ok "K_train.npy is 14x14 float64" || bad "K_train.npy size $sz"
sz=$(stat -c %s "$tmp/o1/K_test.npy"); [ "$sz" -eq $((128 + 4 * 14 * 8)) ] && ok "K_test.npy is 4x14 float64" || bad "K_test.npy size $sz"
"$bench" --dataset cifar10 --data-dir "$tmp/c10" --pair 2,3 --out "$tmp/o2" > "$tmp/out" 2>/dev/null
grep -q "test_accuracy=" "$tmp/out" && ok "regression prints an accuracy" || bad "regression prints an accuracy"

head -c 5000 "$tmp/c10/data_batch_3.bin" > "$tmp/c10/d3" && mv "$tmp/c10/d3" "$tmp/c10/data_batch_3.bin"
check "truncated record exits 2 naming the file" 2 "data_batch_3.bin: truncated record" \
  "$bench" --dataset cifar10 --data-dir "$tmp/c10" --pair 0,1 --out "$tmp/o3"
rm "$tmp/c10/data_batch_3.bin"
check "missing batch exits 2" 2 "no CIFAR-10 batch data_batch_3" \
  "$bench" --dataset cifar10 --data-dir "$tmp/c10" --pair 0,1 --out "$tmp/o3"
check "bad pair exits 1" 1 "--pair" "$bench" --dataset cifar10 --pair 3,3 --out "$tmp/o4"
check "unknown option exits 1" 1 "usage" "$bench" --no-such-option
echo "1..$n"
[ "$fails" -eq 0 ]
