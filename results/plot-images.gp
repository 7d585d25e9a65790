# LANTK on binary image pairs: grouped bars with error bars, ours beside published.
# Usage: gnuplot -e "datafile='results/figures/images.dat'; outfile='results/figures/images.svg'" results/plot-images.gp
# Data (written by bench_lantk; one line per pair, "NaN" where no row): pair, then mean std for
#   2,3 CNTK  4,5 KR-V1  6,7 KR-V2  8,9 FJLT-V1  10,11 FJLT-V2   (ours, 20 resplits, ± std)
#   12,13 CNTK published  14,15 LANTK-best published
#   16..23 paired differences LANTK − CNTK for KR-V1, KR-V2, FJLT-V1, FJLT-V2 (ours, ± the
#          Nadeau–Bengio corrected SE of the 20 resplits)
#   24,25 published LANTK-best − CNTK
set terminal svg size 1300,900 dynamic font "sans,11" background rgb "white"
set output outfile
set termoption noenhanced
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside right top vertical
set xtics nomirror rotate by -30
set lmargin 10
set rmargin 36
set multiplot layout 2,1
set title "CIFAR-10 subset and Fashion-MNIST pairs: accuracy (ours: mean ± std over 20 stratified 80/20 resplits; published: full data)"
set ylabel "test accuracy (%)"
set yrange [50:100]
plot datafile using 2:3:xtic(1) title "CNTK, ours" lc rgb "#4d4d4d", \
     '' using 4:5 title "LANTK-KR-V1, ours" lc rgb "#1f77b4", \
     '' using 6:7 title "LANTK-KR-V2, ours" lc rgb "#6baed6", \
     '' using 8:9 title "LANTK-FJLT-V1 (V7), ours" lc rgb "#d62728", \
     '' using 10:11 title "LANTK-FJLT-V2 (V8), ours" lc rgb "#ff9896", \
     '' using 12:13 title "CNTK, published" lc rgb "#bdbdbd", \
     '' using 14:15 title "LANTK-best, published" lc rgb "#2ca02c"
set title "Paired difference LANTK − CNTK (ours: mean ± Nadeau–Bengio corrected SE over the 20 resplits; published: best − CNTK, selected on test)"
set ylabel "accuracy points"
set autoscale y
set offsets graph 0, graph 0, graph 0.08, graph 0.08
plot datafile using 16:17:xtic(1) title "KR-V1 − CNTK, ours" lc rgb "#1f77b4", \
     '' using 18:19 title "KR-V2 − CNTK, ours" lc rgb "#6baed6", \
     '' using 20:21 title "FJLT-V1 − CNTK, ours" lc rgb "#d62728", \
     '' using 22:23 title "FJLT-V2 − CNTK, ours" lc rgb "#ff9896", \
     '' using 24:25 title "LANTK-best − CNTK, published" lc rgb "#2ca02c"
unset multiplot
