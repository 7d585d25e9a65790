#!/usr/bin/env bash
# Installs the build into a temporary root (meson install --destdir), then builds two
# out-of-tree programs against the installed ntkbench.pc only — a C program computing MUTAG's
# GNTK Grams and a C++ file including the umbrella header — and checks that the C program's
# Grams equal those of the installed bench_gntk byte for byte; then the installed Python package,
# run by PYTHON (when given) with the installed library, gives the same Grams.  TAP output.
# usage: test_install.sh BUILD_DIR SOURCE_DIR [PYTHON]
set -uo pipefail
build="$1" src="$2" python="${3:-}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "1..5"
if meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/install.log" 2>&1; then
  echo "ok 1 - meson install into a temporary root"
else
  echo "not ok 1 - meson install into a temporary root ($(tail -3 "$tmp/install.log"))"
  exit 1
fi
pc="$(find "$tmp/root" -name ntkbench.pc | head -1)"
libdir="$(dirname "$(dirname "$pc")")"
# The files were installed for their configured prefix under a temporary root: point the .pc
# file's prefix at that root, as if ntkbench had been configured with it.
prefix="$(sed -n 's/^prefix=//p' "$pc")"
mkdir -p "$tmp/pc"
sed "s|^prefix=.*|prefix=$tmp/root$prefix|" "$pc" >"$tmp/pc/ntkbench.pc"
export PKG_CONFIG_PATH="$tmp/pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$libdir"
export NTKB_DATA="$(find "$tmp/root" -type d -path '*/share/ntkbench/datasets' | head -1)"
flags="$(pkg-config --cflags --libs ntkbench)"
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Werror -o "$tmp/mutag_gntk" "$src/tests/install/mutag_gntk.c" $flags \
     2>"$tmp/cc.log" && c++ -Wall -Werror -o "$tmp/headers" "$src/tests/install/headers.cpp" \
     $flags 2>>"$tmp/cc.log" && "$tmp/headers"; then
  echo "ok 2 - C and C++ programs build against pkg-config ntkbench ($flags)"
else
  echo "not ok 2 - out-of-tree build failed: $(head -5 "$tmp/cc.log")"
  exit 1
fi
bin="$(find "$tmp/root" -type f -path '*/bin/bench_gntk' | head -1)"
mkdir -p "$tmp/lib" "$tmp/prog"
if "$tmp/mutag_gntk" "$tmp/lib" && "$bin" --dataset MUTAG --blocks 2 --mlp 2 --threads 2 \
     --out "$tmp/prog" --quiet >/dev/null; then
  echo "ok 3 - both ran on the installed datasets ($NTKB_DATA)"
else
  echo "not ok 3 - the programs failed"
  exit 1
fi
same=1
for f in gram-L1-jk0 gram-L1-jk1 gram-L2-jk0 gram-L2-jk1; do
  cmp -s "$tmp/lib/$f.npy" "$tmp/prog/$f.npy" || { same=0; echo "# $f.npy differs"; }
done
[ $same -eq 1 ] && echo "ok 4 - the library's Grams equal bench_gntk's byte for byte" ||
  echo "not ok 4 - the library's Grams differ from bench_gntk's"
pkg="$(find "$tmp/root" -type f -path '*/ntkbench/__init__.py' | head -1)"
if [ -z "$python" ]; then
  echo "ok 5 - the installed Python package # SKIP no python3 with NumPy"
elif [ -z "$pkg" ]; then
  echo "not ok 5 - the Python package was not installed"
elif ! "$python" -c 'import site, sys; sys.exit(sys.argv[1] not in site.getsitepackages())' \
       "$(dirname "$(dirname "${pkg#"$tmp/root"}")")"; then
  echo "not ok 5 - the package went to ${pkg#"$tmp/root"}, not a site directory of $python"
elif (cd "$tmp" && env -u NTKB_LIBRARY PYTHONPATH="$(dirname "$(dirname "$pkg")")" \
      PYTHONDONTWRITEBYTECODE=1 "$python" -c '
import sys, numpy as np, ntkbench
assert ntkbench.LIBRARY_PATH.startswith(sys.argv[1]) or "/" not in ntkbench.LIBRARY_PATH, ntkbench.LIBRARY_PATH
K = ntkbench.gntk(ntkbench.datasets.load("MUTAG").graphs, blocks=2, mlp=2, threads=2)
for l in (1, 2):
    for jk in (0, 1):
        assert K[l - 1, jk].tobytes() == np.load(f"prog/gram-L{l}-jk{jk}.npy").tobytes(), (l, jk)
' "$tmp/root" 2>"$tmp/py.log"); then
  echo "ok 5 - the installed Python package gives bench_gntk's Grams byte for byte"
else
  echo "not ok 5 - the installed Python package failed: $(tail -3 "$tmp/py.log")"
fi
