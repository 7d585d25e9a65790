#!/usr/bin/env bash
# bench_dynamics end to end on a tiny Fashion-MNIST run (Debian's dataset-fashion-mnist; skipped
# when absent): dynamics.md with a row per width and the kernel row, the three figure data files
# with one block per width; usage errors exit 1.  Prints TAP.
set -u
bench="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
if ! ls /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte* >/dev/null 2>&1; then
  echo "1..0 # SKIP Fashion-MNIST (dataset-fashion-mnist) not installed"
  exit 77
fi
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$bench" --train 20 --test 20 --widths 8,32 --steps 30 \
  --out-dir "$tmp/r" >"$tmp/out" 2>"$tmp/err" && ok "tiny run exits 0" \
  || bad "tiny run exits 0 ($(tail -c 300 "$tmp/err"))"
md="$tmp/r/dynamics.md"
grep -q '^## fm-tshirt-shirt (20 train, 20 test, 196 inputs)' "$md" && ok "pair section" \
  || bad "pair section"
grep -q '^| 8 | ' "$md" && grep -q '^| 32 | ' "$md" && grep -q '^| ∞ (kernel) | 0 | 0 | 0 |' "$md" \
  && ok "a row per width and the kernel row" || bad "a row per width and the kernel row"
for f in spectrum kernel net; do
  [ -s "$tmp/r/figures/dynamics-fm-tshirt-shirt-$f.dat" ] && ok "writes the $f data" \
    || bad "writes the $f data"
done
[ "$(grep -c '^# width' "$tmp/r/figures/dynamics-fm-tshirt-shirt-net.dat")" = 2 ] \
  && ok "one block per width" || bad "one block per width"
[ "$(grep -vc '^#' "$tmp/r/figures/dynamics-fm-tshirt-shirt-spectrum.dat")" = 20 ] \
  && ok "20 eigenvalues" || bad "20 eigenvalues"
"$bench" --cifar-pair cat,dog >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q -- "--cifar-pair needs --cifar-dir" "$tmp/err" \
  && ok "CIFAR pair without its directory exits 1" || bad "CIFAR pair without its directory exits 1"
"$bench" --widths 8,x >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && ok "bad widths exit 1" || bad "bad widths exit 1"
echo "1..$n"
[ "$fails" -eq 0 ]
