#!/usr/bin/env bash
# scripts/fetch-cifar10 without network, on a fake "official" CIFAR-10 built in a temporary
# directory (six batches of 10,000 records, every byte 0..9 so labels are valid, packed as
# cifar-10-binary.tar.gz): the subset cut from the tarball (given as a file, a directory, or
# "downloaded" from a file:// URL), from unpacked batches and from already-cut files has the
# subset's sizes and bytes; --full keeps all records; corrupted, truncated, short or missing
# input and a damaged tarball are refused with a message naming the file and exit 2, leaving the
# data directory as it was; --check classifies directories; the built-in sums agree with
# datasets/cifar10/README.md; run-images and regenerate-results stop with a how-to message when
# the data is absent or not the subset, and pass the directory on as bench_lantk --data-dir.
# The fake data has its own checksums, given with --md5 / --sha256sums (and the environment).
# With NTKB_CIFAR10_SUBSET=DIR (the real subset files, e.g. the workplace's
# shared/datasets/CIFAR-10/derived) it also checks the built-in sums on the real data and cuts
# the real subset out of a tarball of full-size batches that begin with it; otherwise those
# cases are reported as TAP SKIP.  Prints TAP.  Usage: test_fetch_cifar10.sh REPO_ROOT
# shellcheck disable=SC2015,SC2016  # "cond && ok || bad" (ok never fails); literal ` in sed
set -euo pipefail
root=$(cd "${1:?usage: test_fetch_cifar10.sh REPO_ROOT}" && pwd)
fetch="$root/scripts/fetch-cifar10"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_fetch_cifar10.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
check() { # description, expected exit code, expected stderr text, command...
  local desc="$1" want="$2" text="$3" rc=0; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [ "$rc" -eq "$want" ] && { [ -z "$text" ] || grep -qF -- "$text" "$tmp/err"; }; then ok "$desc"
  else bad "$desc (exit $rc, want $want and '$text'; stderr: $(tail -c 400 "$tmp/err"))"; fi
}
REC=3073
BATCHES=(data_batch_1 data_batch_2 data_batch_3 data_batch_4 data_batch_5 test_batch)
need() { [ "$1" = data_batch_1 ] && echo 4000 || echo 1017; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# sizes and bytes of the six files in $1 against the first records of the batches in $2
same_cut() { # outdir, fulldir, records-or-"subset"
  local b k
  for b in "${BATCHES[@]}"; do
    k=$3; [ "$k" = subset ] && k=$(need "$b")
    [ "$(stat -c %s "$1/$b.bin")" -eq $((k * REC)) ] || { echo "size of $1/$b.bin" >&2; return 1; }
    cmp -s "$1/$b.bin" <(head -c $((k * REC)) "$2/$b.bin") || { echo "bytes of $1/$b.bin" >&2; return 1; }
  done
}
no_temp_left() { ! ls -d "$1"/.fetch.* >/dev/null 2>&1; }

# ---- the fake official data -------------------------------------------------------------
digits=""; for _ in $(seq 26); do digits+='\000-\011'; done   # byte b -> b mod 10 (roughly)
mkdir -p "$tmp/off/cifar-10-batches-bin"
for b in "${BATCHES[@]}"; do
  head -c $((10000 * REC)) /dev/urandom | tr '\000-\377' "$digits" > "$tmp/off/cifar-10-batches-bin/$b.bin"
done
full="$tmp/off/cifar-10-batches-bin"
for b in "${BATCHES[@]}"; do
  echo "$(head -c $(($(need "$b") * REC)) "$full/$b.bin" | sha256sum | cut -d' ' -f1)  $b.bin"
done > "$tmp/fake.sha256"
tar -cf - -C "$tmp/off" cifar-10-batches-bin | gzip -1 > "$tmp/cifar-10-binary.tar.gz"
md5=$(md5sum "$tmp/cifar-10-binary.tar.gz" | cut -d' ' -f1)
F=("$fetch" --md5 "$md5" --sha256sums "$tmp/fake.sha256")

# ---- usage, wrapper, documentation --------------------------------------------------------
"$fetch" --help > "$tmp/help" 2>&1 || true
missing=""
for o in --subset --full --mirror --url --out --check --md5 --sha256sums --help \
         FETCH_CIFAR10_URL FETCH_CIFAR10_MD5 FETCH_CIFAR10_SHA256SUMS; do
  grep -qF -- "$o" "$tmp/help" || missing+=" $o"
done
[ -z "$missing" ] && ok "--help documents every option" || bad "--help lacks$missing"
if cmp -s "$tmp/help" <("$root/datasets/cifar10/fetch-cifar10" --help 2>&1); then
  ok "datasets/cifar10/fetch-cifar10 is a wrapper of scripts/fetch-cifar10"
else bad "datasets/cifar10/fetch-cifar10 is a wrapper of scripts/fetch-cifar10"; fi
check "unknown option exits 1" 1 "unknown argument" "$fetch" --no-such-option
# the README's table and the script's built-in table agree (records and SHA-256)
readme_rows=$(grep -E '^\| `(data|test)_batch' "$root/datasets/cifar10/README.md" |
  sed -E 's/^\| `([a-z_0-9]+)\.bin` \| official [a-z_0-9]+, records 0–([0-9,]+) .*\| `([0-9a-f]{64})` \|$/\1 \2 \3/' |
  awk '{ gsub(",", "", $2); print $1, $2 + 1, $3 }')
script_rows=$(for b in "${BATCHES[@]}"; do
  r=$(grep -oE "\[$b\]=[0-9]+" "$fetch" | head -n 1 | cut -d= -f2)
  s=$(grep -oE "^ *\[$b\]=[0-9a-f]{64}" "$fetch" | cut -d= -f2)
  echo "$b $r $s"; done)
if [ "$readme_rows" = "$script_rows" ] && [ "$(echo "$script_rows" | wc -l)" -eq 6 ]; then
  ok "README table matches the script's records and SHA-256 sums"
else bad "README table ($readme_rows) differs from the script's ($script_rows)"; fi

# ---- cutting the subset ------------------------------------------------------------------
check "subset from the tarball file exits 0" 0 "subset (9085 records)" \
  "${F[@]}" --mirror "$tmp/cifar-10-binary.tar.gz" --out "$tmp/o1"
if same_cut "$tmp/o1" "$full" subset 2>"$tmp/why"; then
  ok "subset files are records 0-3999 / 0-1016 of the batches (12,292,000 / 3,125,241 bytes)"
else bad "subset files: $(cat "$tmp/why")"; fi
grep -q '^# mode: subset' "$tmp/o1/SOURCE" && [ "$(grep -c 'exact subset' "$tmp/o1/SOURCE")" -eq 6 ] \
  && ok "SOURCE records the subset" || bad "SOURCE records the subset"
no_temp_left "$tmp/o1" && ok "no temporary files left" || bad "temporary files left in $tmp/o1"
check "--check on the cut prints subset" 0 "" "${F[@]}" --check "$tmp/o1"
[ "$(cat "$tmp/out")" = subset ] && ok "--check output is 'subset'" || bad "--check output: $(cat "$tmp/out")"
check "subset from a directory holding the tarball" 0 "subset (9085 records)" \
  "${F[@]}" --mirror "$tmp" --out "$tmp/o2"
check "subset 'downloaded' from a file:// URL" 0 "subset (9085 records)" \
  "${F[@]}" --url "file://$tmp/cifar-10-binary.tar.gz" --out "$tmp/o3"
same_cut "$tmp/o3" "$full" subset 2>/dev/null && ok "downloaded cut has the subset's bytes" \
  || bad "downloaded cut has the subset's bytes"
check "subset from unpacked cifar-10-batches-bin/" 0 "subset (9085 records)" \
  "${F[@]}" --mirror "$tmp/off" --out "$tmp/o4"
same_cut "$tmp/o4" "$full" subset 2>/dev/null && ok "cut from unpacked batches has the subset's bytes" \
  || bad "cut from unpacked batches has the subset's bytes"
mkdir -p "$tmp/tagged"
for b in "${BATCHES[@]}"; do k=$(need "$b"); ln -s "$tmp/o1/$b.bin" "$tmp/tagged/$b.first$k.bin"; done
check "subset from already-cut files with tagged names" 0 "subset (9085 records)" \
  "${F[@]}" --mirror "$tmp/tagged" --out "$tmp/o5"
same_cut "$tmp/o5" "$full" subset 2>/dev/null && ok "copied cut has the subset's bytes" \
  || bad "copied cut has the subset's bytes"
rm -rf "$tmp/o2" "$tmp/o3" "$tmp/o4" "$tmp/o5"
check "the built-in (real) sums reject the fake data" 2 "expected 0993cf8b" \
  "$fetch" --mirror "$tmp/off" --out "$tmp/o6"
[ ! -e "$tmp/o6/data_batch_1.bin" ] && no_temp_left "$tmp/o6" && ok "rejected run writes nothing" \
  || bad "rejected run wrote into $tmp/o6"

# ---- the full dataset --------------------------------------------------------------------
check "--full from the tarball exits 0" 0 "full (60000 records)" \
  "${F[@]}" --full --mirror "$tmp/cifar-10-binary.tar.gz" --out "$tmp/full"
same_cut "$tmp/full" "$full" 10000 2>/dev/null && ok "--full keeps all 10,000 records (30,730,000 bytes)" \
  || bad "--full keeps all 10,000 records"
check "--check on the full set" 0 "" "${F[@]}" --check "$tmp/full"
[ "$(cat "$tmp/out")" = full ] && ok "--check output is 'full'" || bad "--check output: $(cat "$tmp/out")"
rm -rf "$tmp/full"
check "--full from the subset files is refused" 2 "--full needs the complete batch" \
  "${F[@]}" --full --mirror "$tmp/o1" --out "$tmp/o7"

# ---- damaged input -----------------------------------------------------------------------
# a directory of links to the good batches, with one batch replaced by a damaged copy
damaged() { # dir, batch; the copy is left in dir/batch.bin for the caller to damage
  rm -rf "$1"; mkdir -p "$1"
  for b in "${BATCHES[@]}"; do ln -s "$full/$b.bin" "$1/$b.bin"; done
  rm "$1/$2.bin"; cp "$full/$2.bin" "$1/$2.bin"
}
poke() { printf '\377' | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }   # 0xff: never 0..9
before=$(sha "$tmp/o1/data_batch_3.bin")
damaged "$tmp/bad" data_batch_3; poke "$tmp/bad/data_batch_3.bin" $((500 * REC + 77))
check "a changed byte in record 500 is rejected (names the file)" 2 "$tmp/bad/data_batch_3.bin: SHA-256 of records 0-1016" \
  "${F[@]}" --mirror "$tmp/bad" --out "$tmp/o1"
[ "$(sha "$tmp/o1/data_batch_3.bin")" = "$before" ] && no_temp_left "$tmp/o1" \
  && ok "the data directory is untouched by the failed run" || bad "the failed run changed $tmp/o1"
check "the same damage is rejected by --full" 2 "SHA-256 of its first 1017 records" \
  "${F[@]}" --full --mirror "$tmp/bad" --out "$tmp/o8"
damaged "$tmp/bad" data_batch_3; poke "$tmp/bad/data_batch_3.bin" $((5000 * REC))
check "a change after the subset's records does not affect the cut" 0 "subset (9085 records)" \
  "${F[@]}" --mirror "$tmp/bad" --out "$tmp/o9"
rm -rf "$tmp/o9"
damaged "$tmp/bad" test_batch; truncate -s $((10000 * REC - 100)) "$tmp/bad/test_batch.bin"
check "a truncated batch is rejected" 2 "$tmp/bad/test_batch.bin: 30729900 bytes is not a whole number" \
  "${F[@]}" --mirror "$tmp/bad" --out "$tmp/o8"
damaged "$tmp/bad" data_batch_1; truncate -s $((500 * REC)) "$tmp/bad/data_batch_1.bin"
check "a batch shorter than the subset is rejected" 2 "$tmp/bad/data_batch_1.bin: 500 records, the subset needs records 0-3999" \
  "${F[@]}" --mirror "$tmp/bad" --out "$tmp/o8"
damaged "$tmp/bad" data_batch_5; rm "$tmp/bad/data_batch_5.bin"
check "a missing batch is rejected" 2 "no data_batch_5.bin" "${F[@]}" --mirror "$tmp/bad" --out "$tmp/o8"
cp "$tmp/cifar-10-binary.tar.gz" "$tmp/bad.tar.gz"; poke "$tmp/bad.tar.gz" 100000
check "a damaged tarball is rejected by its md5" 2 "$tmp/bad.tar.gz: md5" \
  "${F[@]}" --mirror "$tmp/bad.tar.gz" --out "$tmp/o8"
check "a failed download exits 3" 3 "download of file://$tmp/nothing.tar.gz failed" \
  "${F[@]}" --url "file://$tmp/nothing.tar.gz" --out "$tmp/o8"
rm -rf "$tmp/bad" "$tmp/bad.tar.gz"
cp "$tmp/o1/test_batch.bin" "$tmp/t.bin"; mkdir -p "$tmp/chk"
for b in "${BATCHES[@]}"; do ln -s "$tmp/o1/$b.bin" "$tmp/chk/$b.bin"; done
rm "$tmp/chk/test_batch.bin"; cp "$tmp/t.bin" "$tmp/chk/test_batch.bin"; poke "$tmp/chk/test_batch.bin" 0
check "--check rejects a damaged subset file" 2 "$tmp/chk/test_batch.bin: SHA-256" "${F[@]}" --check "$tmp/chk"
check "--check of a missing directory" 2 "no such directory" "${F[@]}" --check "$tmp/none"

# ---- the scripts find the directory ------------------------------------------------------
printf '#!/bin/sh\necho "$* " >> "%s"\n' "$tmp/bench.log" > "$tmp/bench"; chmod +x "$tmp/bench"
export FETCH_CIFAR10_SHA256SUMS="$tmp/fake.sha256"
check "run-images stops when the data is absent" 2 "scripts/fetch-cifar10 --mirror PATH" \
  env BENCH="$tmp/bench" CIFAR10_DIR="$tmp/none" "$root/scripts/run-images" cifar10
[ ! -e "$tmp/bench.log" ] && ok "run-images ran nothing" || bad "run-images ran the bench"
check "run-images --cifar-dir DIR runs the ten pairs" 0 "CIFAR-10 subset in $tmp/o1" \
  env BENCH="$tmp/bench" RESULTS="$tmp/res" "$root/scripts/run-images" --cifar-dir "$tmp/o1" cifar10
if [ "$(grep -c -- "--dataset cifar10 .*--data-dir $tmp/o1 " "$tmp/bench.log")" -eq 10 ]; then
  ok "every bench_lantk run gets --data-dir DIR"
else bad "bench_lantk runs: $(cat "$tmp/bench.log")"; fi
rm -f "$tmp/bench.log"
check "run-images takes CIFAR10_DIR (sketch)" 0 "CIFAR-10 subset" \
  env BENCH="$tmp/bench" CIFAR10_DIR="$tmp/o1" "$root/scripts/run-images" sketch
grep -q -- "--data-dir $tmp/o1 " "$tmp/bench.log" && ok "sketch run gets --data-dir" \
  || bad "sketch run: $(cat "$tmp/bench.log")"
mkdir -p "$tmp/fullset"; for b in "${BATCHES[@]}"; do ln -s "$full/$b.bin" "$tmp/fullset/$b.bin"; done
check "run-images refuses the full set" 2 "holds the full CIFAR-10" \
  env BENCH="$tmp/bench" "$root/scripts/run-images" --cifar-dir "$tmp/fullset" cifar10
check "run-images --allow-full accepts it" 0 "CIFAR-10 full" \
  env BENCH="$tmp/bench" "$root/scripts/run-images" --allow-full --cifar-dir "$tmp/fullset" sketch
check "run-images fashion-mnist needs no CIFAR-10" 0 "" \
  env BENCH="$tmp/bench" CIFAR10_DIR="$tmp/none" "$root/scripts/run-images" fashion-mnist
check "regenerate-results stops when the data is absent" 2 "does not hold the project's CIFAR-10 subset" \
  env BUILD="$tmp/nobuild" "$root/scripts/regenerate-results" --cifar-dir "$tmp/none" images
check "regenerate-results refuses the full set" 2 "holds the full CIFAR-10" \
  env BUILD="$tmp/nobuild" CIFAR10_DIR="$tmp/fullset" "$root/scripts/regenerate-results" all
for s in run-images regenerate-results; do
  "$root/scripts/$s" --help > "$tmp/help" 2>&1 || true
  if grep -qF -- --cifar-dir "$tmp/help" && grep -qF -- --allow-full "$tmp/help" &&
     grep -qF CIFAR10_DIR "$tmp/help"; then ok "$s --help documents --cifar-dir, --allow-full, CIFAR10_DIR"
  else bad "$s --help documents --cifar-dir, --allow-full, CIFAR10_DIR"; fi
done
unset FETCH_CIFAR10_SHA256SUMS
rm -rf "$tmp/o1" "$tmp/cifar-10-binary.tar.gz" "$tmp/fullset"

# ---- the real subset (only where NTKB_CIFAR10_SUBSET points at it) --------------------------
real="${NTKB_CIFAR10_SUBSET:-}"
if [ -n "$real" ] && [ -d "$real" ]; then
  check "real subset: --check with the built-in sums" 0 "" "$fetch" --check "$real"
  [ "$(cat "$tmp/out")" = subset ] && ok "real subset: --check output is 'subset'" \
    || bad "real subset: --check output $(cat "$tmp/out")"
  check "real subset: copied with the built-in sums" 0 "subset (9085 records)" \
    "$fetch" --mirror "$real" --out "$tmp/r1"
  # full-size batches that begin with the real subset (the fake records after it)
  mkdir -p "$tmp/roff/cifar-10-batches-bin"
  for b in "${BATCHES[@]}"; do
    f="$real/$b.bin"; [ -f "$f" ] || for f in "$real/$b".*.bin; do break; done
    k=$(need "$b")
    { cat "$f"; tail -c +$((k * REC + 1)) "$full/$b.bin"; } > "$tmp/roff/cifar-10-batches-bin/$b.bin"
  done
  rm -rf "$tmp/off"
  tar -cf - -C "$tmp/roff" cifar-10-batches-bin | gzip -1 > "$tmp/real.tar.gz"
  rmd5=$(md5sum "$tmp/real.tar.gz" | cut -d' ' -f1)
  check "real subset: cut from full-size batches with the built-in sums" 0 "subset (9085 records)" \
    "$fetch" --md5 "$rmd5" --mirror "$tmp/real.tar.gz" --out "$tmp/r2"
  same=1
  for b in "${BATCHES[@]}"; do cmp -s "$tmp/r1/$b.bin" "$tmp/r2/$b.bin" || same=0; done
  [ "$same" -eq 1 ] && ok "real subset: the cut is byte-identical to the real subset files" \
    || bad "real subset: the cut differs from the real subset files"
  check "real subset: --full from the same tarball" 0 "full (60000 records)" \
    "$fetch" --md5 "$rmd5" --full --mirror "$tmp/real.tar.gz" --out "$tmp/r3"
  check "real subset: the default md5 rejects the repackaged tarball" 2 "expected c32a1d4ab5d03f1284b67883e8d87530" \
    "$fetch" --mirror "$tmp/real.tar.gz" --out "$tmp/r4"
else
  why="real CIFAR-10 subset not given: set NTKB_CIFAR10_SUBSET=DIR (e.g. shared/datasets/CIFAR-10/derived)"
  for d in "--check with the built-in sums" "--check output" "copied with the built-in sums" \
           "cut from full-size batches" "cut byte-identical to the real subset" "--full" "default md5"; do
    skip "$why: $d"
  done
fi
echo "1..$n"
[ "$fails" -eq 0 ]
