#!/usr/bin/env bash
# bench_gntk crash safety: kill -9 mid-run, rerun with --resume: finished tiles are not
# recomputed and every Gram is bit-identical to an uninterrupted run (also across thread counts:
# the killed run uses one thread, the others two); a resume with other parameters is refused
# (exit 2).  Prints TAP.  Usage: test_gntk_resume.sh BENCH_GNTK
set -u
bench="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(--dataset IMDBMULTI --blocks 6 --mlp 3 --scale degree --tile 16)
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }

"$bench" "${args[@]}" --threads 2 --out "$tmp/full" --quiet >/dev/null 2>&1 && ok "uninterrupted run" \
  || bad "uninterrupted run"

"$bench" "${args[@]}" --threads 1 --out "$tmp/run" --quiet >/dev/null 2>&1 &
pid=$!
# wait until at least two tiles are journaled (the journal is group-committed about once a second)
for _ in $(seq 1 600); do
  lines=$(grep -c '^t ' "$tmp/run/tiles.journal" 2>/dev/null || true)
  [ "${lines:-0}" -ge 2 ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if kill -9 "$pid" 2>/dev/null; then
  wait "$pid" 2>/dev/null
  done_before=$(grep -c '^t ' "$tmp/run/tiles.journal")
  total=$(ls "$tmp/run"/*.partial 2>/dev/null | wc -l)
  if [ "$done_before" -ge 2 ] && [ "$total" -eq 12 ] && [ ! -e "$tmp/run/gram-L1-jk0.npy" ]; then
    ok "killed with $done_before tiles journaled, partial files only"
  else
    bad "state after kill -9 (journaled $done_before, partials $total)"
  fi
else
  bad "run finished before it could be killed (machine too fast for this test's size)"
  done_before=0
fi

"$bench" "${args[@]}" --mlp 2 --out "$tmp/run" --resume --quiet >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "refusing to resume" "$tmp/err"; then
  ok "resume with other parameters refused (exit 2)"
else
  bad "mismatch not refused (exit $rc: $(head -c 300 "$tmp/err"))"
fi

"$bench" "${args[@]}" --threads 2 --out "$tmp/run" --resume >"$tmp/out" 2>"$tmp/err"
rc=$?
skipped=$(sed -n 's/.*resuming: \([0-9]*\) of.*/\1/p' "$tmp/err")
if [ "$rc" -eq 0 ] && [ "${skipped:-0}" -ge "$done_before" ] && [ "${skipped:-0}" -gt 0 ]; then
  ok "resume skipped $skipped finished tiles"
else
  bad "resume (exit $rc, skipped '${skipped:-}'; $(head -c 300 "$tmp/err"))"
fi

same=1
for l in 1 2 3 4 5 6; do
  for jk in 0 1; do
    cmp -s "$tmp/full/gram-L$l-jk$jk.npy" "$tmp/run/gram-L$l-jk$jk.npy" || same=0
  done
done
[ "$same" -eq 1 ] && ok "resumed Grams bit-identical" || bad "resumed Grams differ"
[ ! -e "$tmp/run/tiles.journal" ] && ! ls "$tmp/run"/*.partial >/dev/null 2>&1 \
  && ok "journal and partial files removed" || bad "journal or partials left"
echo "1..$n"
[ "$fails" -eq 0 ]
