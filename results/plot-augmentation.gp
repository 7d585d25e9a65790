# Kernel-fiber figures: turns the data files bench_fibers writes under results/figures/
# into SVGs.  Run from the repository root, after bench_fibers:
#     gnuplot results/plot-augmentation.gp
# Data columns (see src/fibers/report.c): dim: n0 side <8 means> <8 stds>; noise: eps <8 means> ...;
# count: k <8 means> ...; augmentation order rotation hflip vflip cutout mixup noise fiber gradient.

set terminal svg size 720,480 dynamic font "sans,12"
set termoption noenhanced
set key outside right top
set grid
set style data linespoints
set logscale y
set format y "%.0e"

names = "rotation hflip vflip cutout mixup noise fiber gradient"
labels = "rotation hflip vflip cutout mixup gaussian fiber-tangent gradient"

do for [ds in "fashion-mnist cifar10"] {
    dim = sprintf("results/figures/augmentation-dim-%s.dat", ds)
    if (system(sprintf("test -f %s && echo 1 || echo 0", dim)) eq "1") {
        set output sprintf("results/figures/augmentation-dim-%s.svg", ds)
        set title sprintf("%s: relative level-set deviation against input dimension", ds)
        set xlabel "input dimension n0 (area-downsampled images)"
        set ylabel "mean |Theta(z,x) - Theta(z,x_aug)| / |Theta(z,x)|"
        set logscale x 2
        plot for [a = 1:8] dim using 1:(column(a + 2)) title word(labels, a) pt (a + 3)
        unset logscale x

        set output sprintf("results/figures/augmentation-noise-%s.svg", ds)
        set title sprintf("%s: deviation against noise magnitude", ds)
        set xlabel "noise rms per pixel eps (||v|| = eps sqrt(n0))"
        set logscale x 10
        set format x "%g"
        noise = sprintf("results/figures/augmentation-noise-%s.dat", ds)
        plot for [a = 6:8] noise using 1:(column(a + 1)) title word(labels, a) pt (a + 3), \
             noise using 1:($1 * 0.5) with lines dt 2 lc "gray" title "slope 1 (guide)", \
             noise using 1:($1 * $1 * 0.5) with lines dt 3 lc "gray" title "slope 2 (guide)"
        unset logscale x
        set format x "% h"

        set output sprintf("results/figures/augmentation-count-%s.svg", ds)
        set title sprintf("%s: change of Theta(z, X) against augmented training points", ds)
        set xlabel "number k of the 50 training points augmented"
        set ylabel "mean ||Theta(z,X_aug) - Theta(z,X)|| / ||Theta(z,X)||"
        count = sprintf("results/figures/augmentation-count-%s.dat", ds)
        plot for [a = 1:8] count every ::1 using 1:(column(a + 1)) \
             title word(labels, a) pt (a + 3) ps 0.5
    }
}
