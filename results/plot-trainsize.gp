# The gain LANTK − CNTK against the training-set size on Fashion-MNIST pairs: mean over pairs ±
# standard error over pairs, per variant, λ by the paper's rule (left) and by inner CV (right).
# Usage: gnuplot -e "datafile='results/figures/images-trainsize.dat'; outfile='results/figures/images-trainsize.svg'" results/plot-trainsize.gp
# Data (written by bench_lantk with images.md): n, then mean and SE for KR-V1, KR-V2, FJLT-V1,
# FJLT-V2 with the rule's λ (columns 2..9), the same with λ by inner CV (10..17), then the mean
# CNTK accuracy and its SE (18, 19).
set terminal svg size 1300,520 dynamic font "sans,11" background rgb "white"
set output outfile
set termoption noenhanced
set multiplot layout 1,2 title "Fashion-MNIST: gain LANTK − CNTK against training-set size (mean over pairs ± SE over pairs)"
set logscale x 2
set xtics (400, 800, 1600, 3200)
set xrange [300:4300]
set grid
set xlabel "training images n"
set ylabel "accuracy points"
set key top left
set title "λ by the paper's rule"
plot 0 with lines lc rgb "gray" notitle, \
     datafile using ($1*0.97):2:3 with yerrorlines pt 7 lc rgb "#1f77b4" title "KR-V1", \
     '' using ($1*0.99):4:5 with yerrorlines pt 5 lc rgb "#6baed6" title "KR-V2", \
     '' using ($1*1.01):6:7 with yerrorlines pt 9 lc rgb "#d62728" title "FJLT-V1", \
     '' using ($1*1.03):8:9 with yerrorlines pt 11 lc rgb "#ff9896" title "FJLT-V2"
set title "λ by inner 3-fold cross-validation"
plot 0 with lines lc rgb "gray" notitle, \
     datafile using ($1*0.97):10:11 with yerrorlines pt 7 lc rgb "#1f77b4" title "KR-V1", \
     '' using ($1*0.99):12:13 with yerrorlines pt 5 lc rgb "#6baed6" title "KR-V2", \
     '' using ($1*1.01):14:15 with yerrorlines pt 9 lc rgb "#d62728" title "FJLT-V1", \
     '' using ($1*1.03):16:17 with yerrorlines pt 11 lc rgb "#ff9896" title "FJLT-V2"
unset multiplot
