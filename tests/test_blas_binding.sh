#!/usr/bin/env bash
# Every BLAS/LAPACK symbol the programs and libntkbench use must resolve to OpenBLAS, never to a
# reference implementation (GSL's libgslcblas, the reference libblas/liblapack): the dynamic
# linker's bindings (LD_BIND_NOW=1 LD_DEBUG=bindings) of each cblas_* symbol, and of each
# Fortran BLAS/LAPACK symbol that OpenBLAS exports, must name libopenblas.  TAP output.
# usage: test_blas_binding.sh PROGRAM...
set -uo pipefail
echo "1..$#"
n=0
for prog in "$@"; do
  n=$((n + 1))
  ob="$(ldd "$prog" | awk '/libopenblas/ {print $3; exit}')"
  if [ -z "$ob" ]; then
    echo "not ok $n - $(basename "$prog") does not link OpenBLAS"
    continue
  fi
  exports="$(nm -D --defined-only "$ob" | awk '{print $3}' | grep -E '^[a-z0-9_]+_$' | sort -u)"
  binds="$(LD_BIND_NOW=1 LD_DEBUG=bindings "$prog" --help 2>&1 >/dev/null |
           sed -n 's/.* to \([^ ]*\) \[[0-9]*\]: normal symbol `\([^'"'"']*\).*/\2 \1/p')"
  bad="$(echo "$binds" | awk '$1 ~ /^cblas_/ && $2 !~ /libopenblas/' | head -3)"
  fortran="$(echo "$binds" | awk '$2 !~ /libopenblas/ {print $1}' | sort -u | comm -12 - <(echo "$exports") | head -3)"
  used="$(echo "$binds" | awk '$1 ~ /^cblas_/ && $2 ~ /libopenblas/' | wc -l)"
  if [ -n "$bad" ] || [ -n "$fortran" ]; then
    echo "not ok $n - $(basename "$prog"): bound elsewhere: ${bad:-} ${fortran:-}"
  elif [ "$used" -eq 0 ]; then
    echo "not ok $n - $(basename "$prog"): no cblas_ symbol bound to OpenBLAS at all"
  else
    echo "ok $n - $(basename "$prog"): $used cblas_ bindings, all to $(basename "$ob")"
  fi
done
