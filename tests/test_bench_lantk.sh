#!/usr/bin/env bash
# bench_lantk end to end on a tiny generated CIFAR-10 directory (official and mirror names):
# the .npy outputs and meta.json exist, a run with regression prints an accuracy; bad input
# exits 2 with a message naming the file; usage errors exit 1.  LANTK: every kernel
# under both protocols appends its rows to a temporary results directory and regenerates
# images.md and figures/images.dat; kernel lists, class names, --lambda 0, the FJLT sketch,
# --results none and reproducible resplits.  Prints TAP.
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
"$bench" --dataset cifar10 --data-dir "$tmp/c10" --pair 2,3 --out "$tmp/o2" --results none \
  > "$tmp/out" 2>/dev/null
grep -q "test_accuracy=" "$tmp/out" && ok "regression prints an accuracy" || bad "regression prints an accuracy"

# LANTK: a bigger generated set (24 train + 5 test images per class of 0..3).
mkdir -p "$tmp/c20" "$tmp/res"
mkbatch "$tmp/c20/data_batch_1.bin" 80
for b in 2 3 4 5; do mkbatch "$tmp/c20/data_batch_$b.bin" 4; done
mkbatch "$tmp/c20/test_batch.bin" 20
printf 'group,method,protocol,mean,std,n,params,kernel_seconds,eval_seconds,command,timestamp\ndeer-dog,CNTK,published,85.0000,0.0000,1,published,0.000,0.000,,\n' \
  > "$tmp/res/published-images.csv"
L() { "$bench" --dataset cifar10 --data-dir "$tmp/c20" --threads 2 "$@"; }
check "all kernels, both protocols exit 0" 0 "resplit split 3/3" \
  L --pair bird,cat --kernel all --splits 3 --max-per-class 15 --results "$tmp/res"
rows=$(grep -c '^bird-cat,' "$tmp/res/images.csv" 2>/dev/null)
[ "$rows" = 22 ] && ok "22 rows appended (11 per protocol)" || bad "rows appended: $rows"
grep -q '^bird-cat,LANTK-FJLT-V2,resplits,.*,3,' "$tmp/res/images.csv" && ok "resplit row has n = 3" \
  || bad "resplit row has n = 3"
grep -q 'per resplit (80/20): 32 train + 8 test' "$tmp/res/images.csv" \
  && ok "stratified 80/20 of 2 x (15 + 5) pooled images" || bad "stratified 80/20 split sizes"
grep -q '| LANTK-KR-V2 | resplits |' "$tmp/res/images.md" && grep -q '| CNTK | published |' "$tmp/res/images.md" \
  && ok "images.md shows ours beside published" || bad "images.md shows ours beside published"
[ -s "$tmp/res/figures/images.dat" ] && ok "writes figures/images.dat" || bad "writes figures/images.dat"
check "kernel list and names" 0 "KR-V1" \
  L --pair 0,cat --kernel cntk,lantk-kr-v1 --protocol official --max-per-class 10 --results "$tmp/res"
grep -q '^plane-cat,LANTK-KR-V1,official' "$tmp/res/images.csv" && ! grep -q '^plane-cat,LANTK-KR-V2' "$tmp/res/images.csv" \
  && ok "only the chosen kernels" || bad "only the chosen kernels"
L --pair 2,3 --kernel all --protocol official --lambda 0 --results none > "$tmp/l0" 2>/dev/null
awk '/diff/ { if ($5 != "0.00") bad = 1 } END { exit bad }' "$tmp/l0" && grep -q diff "$tmp/l0" \
  && ok "--lambda 0: LANTK equals CNTK" || bad "--lambda 0: LANTK equals CNTK ($(cat "$tmp/l0"))"
check "FJLT sketch runs and reports its distance to the exact fit" 0 "|Z_sketch - Z_exact|_F" \
  L --pair 2,3 --kernel lantk-fjlt-v1 --protocol official --fjlt sketch --fjlt-eps 0.2 --results "$tmp/res"
grep -q '^bird-cat,LANTK-FJLT-V1,official-sketch,' "$tmp/res/images.csv" \
  && grep -q '^bird-cat,LANTK-FJLT-V1,official,' "$tmp/res/images.csv" \
  && grep -q 'official-sketch |' "$tmp/res/images.md" \
  && ok "sketched rows are kept apart from the exact ones" || bad "sketched rows kept apart"
L --pair 2,3 --kernel lantk-kr-v1 --protocol resplits --splits 4 --seed 7 --results none > "$tmp/s1" 2>/dev/null
L --pair 2,3 --kernel lantk-kr-v1 --protocol resplits --splits 4 --seed 7 --results none > "$tmp/s2" 2>/dev/null
sed -i '/gram_seconds/d' "$tmp/s1" "$tmp/s2"
[ -s "$tmp/s1" ] && cmp -s "$tmp/s1" "$tmp/s2" && ok "resplits reproducible for a seed" || bad "resplits reproducible"
before=$(wc -l < "$tmp/res/images.csv")
L --pair 2,3 --kernel cntk --protocol official --results none > /dev/null 2>&1
[ "$(wc -l < "$tmp/res/images.csv")" = "$before" ] && ok "--results none appends nothing" || bad "--results none"
rm "$tmp/res/images.md"
"$bench" --report-only --results "$tmp/res" > /dev/null 2>&1 && ok "--report-only exits 0" \
  || bad "--report-only exits 0"
grep -q '| LANTK-KR-V2 | resplits |' "$tmp/res/images.md" && ok "regenerated images.md has our rows" \
  || bad "regenerated images.md has our rows"
check "unknown kernel exits 1" 1 "--kernel needs" L --pair 2,3 --kernel lantk-v9
check "unknown class name exits 1" 1 "--pair" L --pair cat,unicorn

# the gain against training-set size: rows per size and lambda mode, the images.md section
mkdir -p "$tmp/ts"
check "train sizes with inner CV exit 0" 0 "inner CV" "$bench" --dataset cifar10 \
  --data-dir "$tmp/c10" --pair 0,1 --train-size 8,12 --splits 2 --lambda-cv --threads 1 \
  --results "$tmp/ts"
for p in trainsize-8 trainsize-12 trainsize-8-cv trainsize-12-cv; do
  grep -q "^plane-car,diff FJLT-V2,$p," "$tmp/ts/images.csv" && ok "row diff FJLT-V2 $p" \
    || bad "row diff FJLT-V2 $p"
done
grep -q '^| \*\*mean over pairs\*\* | gain KR-V1 | +' "$tmp/ts/images.md" && \
  grep -q '^### λ by inner 3-fold cross-validation' "$tmp/ts/images.md" && \
  [ -s "$tmp/ts/figures/images-trainsize.dat" ] && ok "images.md has the train-size section" \
  || bad "images.md has the train-size section"
check "a train size above the pool exits 1 before the Gram" 1 "train size 20: expected 4 .. 14" "$bench" \
  --dataset cifar10 --data-dir "$tmp/c10" --pair 0,1 --train-size 20 --results none
check "--lambda-cv without --train-size exits 1" 1 "--lambda-cv needs --train-size" "$bench" \
  --dataset cifar10 --data-dir "$tmp/c10" --pair 0,1 --lambda-cv
check "a bad train-size list exits 1" 1 "--train-size needs" "$bench" --dataset cifar10 \
  --data-dir "$tmp/c10" --pair 0,1 --train-size 8,x

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
