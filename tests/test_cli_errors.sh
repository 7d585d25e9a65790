#!/usr/bin/env bash
# bench_gntk on bad input: exit 2, a message naming file and line, no output left behind;
# an unknown option: exit 1.  Prints TAP.
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
  if [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$tmp/err"; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc (exit $rc, stderr: $(head -c 300 "$tmp/err"))"
    fails=$((fails + 1))
  fi
}
printf '2\n2 0\n0 1 1\n0 1 0\n' > "$tmp/TRUNC.txt"
printf '1\n2 0\n0 1 x\n0 1 0\n' > "$tmp/NONNUM.txt"
mkdir "$tmp/out_dir"
check "truncated file exits 2 with file:line" 2 "TRUNC.txt:5: unexpected end of file" \
  "$bench" --dataset "$tmp/TRUNC.txt" --out "$tmp/out_dir"
check "non-numeric token exits 2" 2 "NONNUM.txt:3: expected neighbour 1 of 1" \
  "$bench" --dataset "$tmp/NONNUM.txt" --out "$tmp/out_dir"
check "missing dataset exits 2 with its name" 2 "NO_SUCH" "$bench" --dataset NO_SUCH
check "unknown option exits 1" 1 "usage" "$bench" --no-such-option
check "bad --solver exits 1" 1 "--solver needs smo, libsvm or path" "$bench" --evaluate --solver x
check "bad --nested-solver exits 1" 1 "--nested-solver needs smo, libsvm or path" "$bench" \
  --evaluate --nested-solver x
check "bad --max-iter exits 1" 1 "--max-iter needs" "$bench" --evaluate --max-iter -5
check "bad --grid-L exits 1" 1 "--grid-L needs" "$bench" --evaluate --grid-L 0
n=$((n + 1))
if [ -z "$(ls -A "$tmp/out_dir")" ]; then echo "ok $n - no partial output left"; else
  echo "not ok $n - output left: $(ls "$tmp/out_dir")"; fails=$((fails + 1)); fi
# --evaluate end to end on a tiny grid: four rows (GNTK and WL, both protocols) and a table
n=$((n + 1))
mkdir -p "$tmp/res"
printf 'group,method,protocol,mean,std,n,params,kernel_seconds,eval_seconds,command,timestamp\n' \
  > "$tmp/res/published-graphs.csv"
if "$bench" --evaluate --dataset MUTAG --grid min --paper-C 2 --nested-C 1 --quiet \
     --cache "$tmp/cache" --results "$tmp/res" --threads 2 > "$tmp/out" 2> "$tmp/err" &&
   [ "$(grep -c '^MUTAG,' "$tmp/res/graphs.csv")" -eq 4 ] &&
   grep -q '^| GNTK, ours (paper protocol) |' "$tmp/res/graphs.md" &&
   grep -q '^"MUTAG (reduced 2×2)"' "$tmp/res/figures/graphs.dat"; then
  echo "ok $n - --evaluate writes rows, table and plot data"
else
  echo "not ok $n - --evaluate: $(head -c 300 "$tmp/err")"; fails=$((fails + 1))
fi
n=$((n + 1))
before=$(stat -c %Y "$tmp/cache/MUTAG/R1-uniform-L1/gram-L1-jk1.npy")
if "$bench" --evaluate --dataset MUTAG --grid min --paper-C 2 --nested-C 0 --cache "$tmp/cache" \
     --results "$tmp/res" --threads 2 2>&1 >/dev/null | grep -q "reused from cache" &&
   [ "$(stat -c %Y "$tmp/cache/MUTAG/R1-uniform-L1/gram-L1-jk1.npy")" = "$before" ]; then
  echo "ok $n - a second --evaluate reuses the cached Grams"
else
  echo "not ok $n - cached Grams not reused"; fails=$((fails + 1))
fi
# Killed after 5 blocks of fits, then continued: the same result lines as the uninterrupted run
# above; the committed record (RESULTS/blocks) then serves a fresh cache without any new fit.
n=$((n + 1))
mkdir -p "$tmp/res2"
cp "$tmp/res/published-graphs.csv" "$tmp/res2/"
NTKB_BLOCKS_STOP_AFTER=5 "$bench" --evaluate --dataset MUTAG --grid min --paper-C 2 --nested-C 1 \
  --quiet --cache "$tmp/cache2" --results "$tmp/res2" --threads 2 > /dev/null 2> "$tmp/err"
rc=$?
if [ $rc -eq 3 ] && grep -q "stopped after 5 blocks" "$tmp/err" &&
   "$bench" --evaluate --dataset MUTAG --grid min --paper-C 2 --nested-C 1 --quiet \
     --cache "$tmp/cache2" --results "$tmp/res2" --threads 2 > "$tmp/out2" 2> "$tmp/err" &&
   cmp -s "$tmp/out" "$tmp/out2" &&
   NTKB_BLOCKS_STOP_AFTER=1 "$bench" --evaluate --dataset MUTAG --grid min --paper-C 2 \
     --nested-C 1 --quiet --cache "$tmp/cache3" --results "$tmp/res2" --threads 2 \
     > "$tmp/out3" 2> "$tmp/err" && cmp -s "$tmp/out" "$tmp/out3" &&
   [ -s "$tmp/res2/blocks/MUTAG-GNTK-nested-C1-path.txt" ]; then
  echo "ok $n - a killed --evaluate continues from its record of fits; the committed record serves another cache"
else
  echo "not ok $n - resume (rc $rc): $(head -c 300 "$tmp/err")"; fails=$((fails + 1))
fi
# scripts/blocks-maxima re-derives the paper maximum from the committed record alone
n=$((n + 1))
want=$(awk '$2 == "GNTK" && $3 == "paper" { print $5 }' "$tmp/out")
got=$(/usr/bin/python3 "$(dirname "$0")/../scripts/blocks-maxima" \
  "$tmp/res2/blocks/MUTAG-GNTK-paper-C2-smo.txt" | awk '/^paper:/ { print $2 }')
if [ -n "$want" ] && [ "$want" = "$got" ]; then
  echo "ok $n - scripts/blocks-maxima re-derives the paper row from the record ($got)"
else
  echo "not ok $n - blocks-maxima: '$got', the row: '$want'"; fails=$((fails + 1))
fi
# A record of fits from another search is refused (exit 2, naming the file and line)
n=$((n + 1))
sed -i 's/^dataset MUTAG$/dataset PTC/' "$tmp/cache2/MUTAG/blocks-WL-paper-C2-smo.txt"
if "$bench" --evaluate --dataset MUTAG --grid min --paper-C 2 --nested-C 1 --quiet \
     --cache "$tmp/cache2" --results "$tmp/res2" --threads 2 > /dev/null 2> "$tmp/err";
   [ $? -eq 2 ] && grep -q "blocks-WL-paper-C2-smo.txt:2: this record of fits belongs to another search" "$tmp/err"; then
  echo "ok $n - a foreign record of fits exits 2 with file and line"
else
  echo "not ok $n - foreign record: $(head -c 300 "$tmp/err")"; fails=$((fails + 1))
fi
# A restricted grid names its restriction and the solver in the row
n=$((n + 1))
if "$bench" --evaluate --dataset MUTAG --grid released --grid-L 1 --grid-R 1 --grid-scale uniform \
     --paper-C 2 --nested-C 0 --solver libsvm --quiet --cache "$tmp/cache" --results "$tmp/res" \
     --threads 2 > "$tmp/out" 2> "$tmp/err" &&
   grep -q 'released grid (L=1, R=1, uniform only); LIBSVM 3.24' "$tmp/res/graphs.csv"; then
  echo "ok $n - --grid-L/--grid-R/--grid-scale and --solver are recorded in the row"
else
  echo "not ok $n - restricted grid: $(head -c 300 "$tmp/err")"; fails=$((fails + 1))
fi
echo "1..$n"
[ "$fails" -eq 0 ]
