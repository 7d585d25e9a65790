# Grouped bars with error bars: ours beside published, per graph dataset.
# Usage: gnuplot -e "datafile='results/figures/graphs.dat'; outfile='results/figures/graphs.svg'" results/plot-graphs.gp
# Data columns (written by bench_gntk): dataset with the grid of its GNTK paper bar, then mean std for GNTK paper, GNTK nested,
# WL paper, WL nested, GNTK published, WL published.
set terminal svg size 1000,480 dynamic font "sans,12" background rgb "white"
set output outfile
set termoption noenhanced
set title "Graph classification accuracy (10-fold CV; error bars: std over folds)"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [40:100]
set ylabel "accuracy (%)"
set grid ytics
set key outside right top vertical
set xtics nomirror rotate by -20
set bmargin 5
plot datafile using 2:3:xtic(1) title "GNTK, ours (paper protocol)" lc rgb "#1f77b4", \
     '' using 10:11 title "GNTK, published" lc rgb "#aec7e8", \
     '' using 4:5 title "GNTK, ours (nested CV)" lc rgb "#08306b", \
     '' using 6:7 title "WL, ours (paper protocol)" lc rgb "#d62728", \
     '' using 12:13 title "WL, published" lc rgb "#ff9896", \
     '' using 8:9 title "WL, ours (nested CV)" lc rgb "#67000d"
