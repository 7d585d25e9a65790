#!/usr/bin/env bash
# The programs over Open MPI ranks (mpirun -np 3 --oversubscribe): the GNTK Grams of PTC and
# MUTAG are cmp-identical to one process; a job killed mid-run (rank 0 killed at a journal
# point, or a worker rank killed) resumes with another rank count to identical Grams; a failing
# rank stops the job with a message naming the rank and the tile; the evaluation rows and the
# CNTK Grams of bench_lantk --gram-only are identical to one process.  Prints TAP; one SKIP
# case when ntkbench was built without MPI.
# Usage: test_mpi.sh MPI_BUILT(1|0) MPIRUN BENCH_GNTK NTKB_EVAL BENCH_LANTK
set -u
built="$1" mpirun="$2" bench="$3" eval="$4" lantk="$5"
if [ "$built" != 1 ] || [ ! -x "$mpirun" ]; then
  echo "ok 1 # SKIP ntkbench was built without MPI (-Dmpi=auto found no Open MPI)"
  echo "1..1"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpi=("$mpirun" --oversubscribe --bind-to none)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
export OMP_NUM_THREADS=1
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
same_grams() { # DIR_A DIR_B: every .npy Gram equal, no journal or partial left in B
  local f
  for f in "$1"/gram-*.npy; do cmp -s "$f" "$2/$(basename "$f")" || return 1; done
  [ ! -e "$2/tiles.journal" ] && ! ls "$2"/*.partial >/dev/null 2>&1
}

for ds in PTC MUTAG; do
  args=(--dataset "$ds" --blocks 2 --mlp 2 --tile 16 --quiet)
  "$bench" "${args[@]}" --threads 2 --out "$tmp/$ds-1" >/dev/null 2>&1
  "${mpi[@]}" -np 3 "$bench" "${args[@]}" --threads 1 --out "$tmp/$ds-3" >"$tmp/out" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ] && same_grams "$tmp/$ds-1" "$tmp/$ds-3" && grep -q '"ranks": 3' "$tmp/$ds-3/meta.json"; then
    ok "$ds: Grams of 3 ranks cmp-identical to one process"
  else
    bad "$ds: 3 ranks (exit $rc: $(tail -c 300 "$tmp/out"))"
  fi
done

# Killed mid-run, resumed with another N: rank 0 dies at its 12th crash point (5 tiles in).
args=(--dataset MUTAG --blocks 2 --mlp 2 --tile 16 --quiet)
(NTKB_TILES_CRASH_AT=12 "${mpi[@]}" -np 2 "$bench" "${args[@]}" --threads 1 --out "$tmp/k" >/dev/null 2>&1; exit $?) 2>/dev/null
rc=$?
before=$(grep -c '^t ' "$tmp/k/tiles.journal" 2>/dev/null)
"${mpi[@]}" -np 3 "$bench" "${args[@]}" --threads 2 --out "$tmp/k" --resume >"$tmp/out" 2>&1
rc2=$?
if [ "$rc" -ne 0 ] && [ "${before:-0}" -ge 1 ] && [ "$rc2" -eq 0 ] && same_grams "$tmp/MUTAG-1" "$tmp/k" \
  && grep -q "\[resumed\]" "$tmp/out"; then
  ok "rank 0 killed after $before tiles (2 ranks), resumed on 3 ranks: identical"
else
  bad "kill/resume (exit $rc then $rc2, $before journaled: $(tail -c 300 "$tmp/out"))"
fi

# A worker rank killed: the job stops; resumed as one plain process.
(NTKB_TILES_FAIL_RANK=1,kill "${mpi[@]}" -np 3 "$bench" "${args[@]}" --threads 1 --out "$tmp/w" >/dev/null 2>&1; exit $?) 2>/dev/null
rc=$?
"$bench" "${args[@]}" --threads 1 --out "$tmp/w" --resume >"$tmp/out" 2>&1
rc2=$?
[ "$rc" -ne 0 ] && [ "$rc2" -eq 0 ] && same_grams "$tmp/MUTAG-1" "$tmp/w" \
  && ok "worker rank killed, resumed as one process: identical" \
  || bad "worker kill (exit $rc then $rc2: $(tail -c 300 "$tmp/out"))"

# A failing rank: the message names the rank and the tile; exit 3.
NTKB_TILES_FAIL_RANK=2 "${mpi[@]}" -np 3 "$bench" "${args[@]}" --threads 1 --out "$tmp/f" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 3 ] && grep -q "bench_gntk: rank 2: tile ([0-9]*, [0-9]*) (rows [0-9]*\.\.[0-9]*, columns [0-9]*\.\.[0-9]*): injected failure" "$tmp/out" \
  && ok "a failing rank stops the job naming rank and tile (exit 3)" \
  || bad "failing rank (exit $rc: $(head -c 400 "$tmp/out"))"

# Evaluation over ranks: ntkb_eval's paper and nested results, bench_gntk --evaluate's rows.
fx="${NTKB_TEST_FIXTURES:-$(dirname "$0")/fixtures}/gntk-official"
data="${NTKB_DATA:-$(dirname "$0")/../datasets}"
eargs=(--gram "$fx/MUTAG-nl2-R1-uniform-jk1.gram.npy" --labels "$fx/MUTAG.labels.npy"
       --folds "$data/MUTAG" --protocol both --n-C 4 --threads 1)
"$eval" "${eargs[@]}" 2>&1 | grep -v '^fits:' >"$tmp/e1"
"${mpi[@]}" -np 3 "$eval" "${eargs[@]}" >"$tmp/e3.all" 2>&1
rc=$?
grep -v '^fits:' "$tmp/e3.all" >"$tmp/e3"
[ "$rc" -eq 0 ] && [ -s "$tmp/e1" ] && cmp -s "$tmp/e1" "$tmp/e3" \
  && ok "ntkb_eval on 3 ranks: paper and nested results identical" \
  || bad "ntkb_eval on 3 ranks (exit $rc: $(diff "$tmp/e1" "$tmp/e3" | head -c 300))"

bargs=(--evaluate --dataset MUTAG --grid min --paper-C 2 --nested-C 2 --threads 1 --quiet)
mkdir -p "$tmp/ev1" "$tmp/ev3"
"$bench" "${bargs[@]}" --cache "$tmp/ev1/cache" --results "$tmp/ev1/res" >/dev/null 2>&1
"${mpi[@]}" -np 3 "$bench" "${bargs[@]}" --cache "$tmp/ev3/cache" --results "$tmp/ev3/res" >"$tmp/out" 2>&1
rc=$?
rows() { sed 's/,[0-9.]*,[0-9.]*,bench_gntk .*$//' "$1/res/graphs.csv"; }
if [ "$rc" -eq 0 ] && [ "$(rows "$tmp/ev1" | wc -l)" -eq 5 ] && [ "$(rows "$tmp/ev1")" = "$(rows "$tmp/ev3")" ] \
  && same_grams "$tmp/ev1/cache/MUTAG/R1-uniform-L1" "$tmp/ev3/cache/MUTAG/R1-uniform-L1"; then
  ok "bench_gntk --evaluate on 3 ranks: rows (but the timings) and cached Grams identical"
else
  bad "bench_gntk --evaluate on 3 ranks (exit $rc: $(tail -c 300 "$tmp/out"))"
fi

# The CNTK Gram of bench_lantk --gram-only (Fashion-MNIST, 100 images: 10 tiles of 32).
largs=(--dataset fashion-mnist --pair 0,1 --max-train 40 --max-test 10 --gram-only --threads 1)
if "$lantk" "${largs[@]}" --out "$tmp/l1" >"$tmp/out" 2>&1; then
  "${mpi[@]}" -np 3 "$lantk" "${largs[@]}" --out "$tmp/l3" >"$tmp/out" 2>&1
  rc=$?
  same=1
  for f in K_train K_test y_train y_test; do cmp -s "$tmp/l1/$f.npy" "$tmp/l3/$f.npy" || same=0; done
  [ "$rc" -eq 0 ] && [ "$same" -eq 1 ] && ok "bench_lantk --gram-only on 3 ranks: CNTK Grams cmp-identical" \
    || bad "bench_lantk --gram-only on 3 ranks (exit $rc: $(tail -c 300 "$tmp/out"))"
else
  echo "ok $((n + 1)) - # SKIP bench_lantk: no Fashion-MNIST ($(tail -c 200 "$tmp/out"))"
  n=$((n + 1))
fi

echo "1..$n"
[ "$fails" -eq 0 ]
