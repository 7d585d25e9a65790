#!/usr/bin/env bash
# The resume journal survives a kill at any point: a run of bench_gntk is SIGKILLed at every
# crash point of its commit sequence in turn ($NTKB_TILES_CRASH_AT = 1, 2, …: partial files
# created, journal header, each tile's data sync and record write, the commit record, between
# the renames, before the journal's removal), its resume is killed again early, and a last
# --resume must leave Grams byte-identical to an uninterrupted run.  Also: torn and merged
# journal lines are ignored, an empty journal starts afresh, a journal of another format and a
# missing partial are refused.  Prints TAP.
# Usage: test_tiles_crash.sh BENCH_GNTK
set -u
bench="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(--dataset MUTAG --blocks 2 --mlp 1 --tile 48 --threads 1 --quiet)
grams=(gram-L1-jk0 gram-L1-jk1 gram-L2-jk0 gram-L2-jk1)
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
same_as_ref() {
  for g in "${grams[@]}"; do cmp -s "$tmp/ref/$g.npy" "$1/$g.npy" || return 1; done
  [ ! -e "$1/tiles.journal" ] && ! ls "$1"/*.partial >/dev/null 2>&1
}

"$bench" "${args[@]}" --out "$tmp/ref" >/dev/null 2>&1 && ok "uninterrupted run" || bad "uninterrupted run"

# The walk: every crash point of a fresh run, then one early in the resumed run.
points=0 broken=""
for e in $(seq 1 200); do
  rm -rf "$tmp/run"
  (NTKB_TILES_CRASH_AT=$e "$bench" "${args[@]}" --out "$tmp/run" >/dev/null 2>"$tmp/err"; exit $?) 2>/dev/null
  rc=$?
  if [ "$rc" -eq 0 ]; then
    break # past the last point: the run finished
  fi
  points=$e
  if [ "$rc" -ne 137 ] || ! grep -q "crash hook: killed at point $e" "$tmp/err"; then
    broken="$broken $e(rc $rc)"
    continue
  fi
  (NTKB_TILES_CRASH_AT=3 "$bench" "${args[@]}" --out "$tmp/run" --resume >/dev/null 2>&1; exit $?) 2>/dev/null
  "$bench" "${args[@]}" --out "$tmp/run" --resume >/dev/null 2>"$tmp/err2"
  rc=$?
  if [ "$rc" -ne 0 ] || ! same_as_ref "$tmp/run"; then
    broken="$broken $e(resume rc $rc: $(head -c 200 "$tmp/err2"))"
  fi
done
if [ "$points" -ge 20 ] && [ -z "$broken" ]; then
  ok "killed at each of $points crash points, resumed: Grams byte-identical"
else
  bad "crash walk over $points points; failures:$broken"
fi

# A torn last record, then a resume that appends: the torn line is cut, not continued.
rm -rf "$tmp/torn"
NTKB_TILES_STOP_AFTER=3 "$bench" "${args[@]}" --out "$tmp/torn" >/dev/null 2>&1
j="$tmp/torn/tiles.journal"
printf 't 0 ' >>"$j"
NTKB_TILES_STOP_AFTER=2 "$bench" "${args[@]}" --out "$tmp/torn" --resume >/dev/null 2>&1
if grep -q '^t 0 t' "$j"; then
  bad "a record continued a torn line"
else
  ok "torn last line cut before appending"
fi
printf 't 3 3 00000000\ngarbage\nt 1 3 deadbeef\n' >>"$j" # wrong checksums: ignored
"$bench" "${args[@]}" --out "$tmp/torn" --resume >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && same_as_ref "$tmp/torn" && ok "records with bad checksums ignored" \
  || bad "bad records (exit $rc: $(head -c 300 "$tmp/err"))"

# An empty journal (killed before its header existed) starts afresh instead of a mismatch.
rm -rf "$tmp/empty"
mkdir "$tmp/empty"
: >"$tmp/empty/tiles.journal"
"$bench" "${args[@]}" --out "$tmp/empty" --resume >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && same_as_ref "$tmp/empty" && ok "empty journal: started afresh" \
  || bad "empty journal (exit $rc: $(head -c 300 "$tmp/err"))"

# A journal of another format (an older ntkbench) is refused, naming both formats (exit 2).
rm -rf "$tmp/old"
mkdir "$tmp/old"
printf 'ntkbench-tiles 1\nn 188 k 4 tile 48\nfingerprint x\n0 0\n' >"$tmp/old/tiles.journal"
"$bench" "${args[@]}" --out "$tmp/old" --resume >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "journal format 'ntkbench-tiles 1', this program writes 'ntkbench-tiles 2'" "$tmp/err" \
  && ok "journal of another format refused (exit 2)" \
  || bad "old journal format (exit $rc: $(head -c 300 "$tmp/err"))"

# A partial missing without a commit record is refused with a clear message (exit 3).
rm -rf "$tmp/gone"
NTKB_TILES_STOP_AFTER=2 "$bench" "${args[@]}" --out "$tmp/gone" >/dev/null 2>&1
rm -f "$tmp/gone/gram-L1-jk1.npy.partial"
"$bench" "${args[@]}" --out "$tmp/gone" --resume >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "gram-L1-jk1.npy.partial: cannot reopen.*unfinished run" "$tmp/err" \
  && ok "missing partial of an unfinished run refused" \
  || bad "missing partial (exit $rc: $(head -c 300 "$tmp/err"))"
echo "1..$n"
[ "$fails" -eq 0 ]
