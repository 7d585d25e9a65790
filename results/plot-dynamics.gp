# NTK training dynamics for one class pair: spectrum, test error, train loss and the residual's
# projections on the top eigendirections, kernel (lines) beside finite widths (points).
# Usage: gnuplot -e "key='fm-tshirt-shirt'; widths='256 512 1024 2048 4096'" results/plot-dynamics.gp
# Data (written by bench_dynamics under results/figures):
#   dynamics-KEY-spectrum.dat  i, eigenvalue (descending)
#   dynamics-KEY-kernel.dat    t, train MSE, test MSE, test error %, e^(-lambda_i t) for i = 1..5
#   dynamics-KEY-net.dat       one block per width (gnuplot index 0, 1, ...): step, t, train MSE,
#                              test MSE, test error %, normalised residual projections i = 1..5
dir = 'results/figures/'
spec = dir.'dynamics-'.key.'-spectrum.dat'
kern = dir.'dynamics-'.key.'-kernel.dat'
net = dir.'dynamics-'.key.'-net.dat'
nw = words(widths)
set terminal svg size 1300,950 dynamic font "sans,11" background rgb "white"
set output dir.'dynamics-'.key.'.svg'
set termoption noenhanced
set multiplot layout 2,2 title key.": NTK gradient flow (lines) and networks of width h trained by gradient descent (points)"
set grid
set logscale x
set logscale y
set format y "%g"
set title "eigenvalues of the NTK on the training images"
set xlabel "index i"
set ylabel "lambda_i"
plot spec using 1:2 with linespoints pt 7 ps 0.4 lc rgb "#1f77b4" notitle
set title "test error"
set xlabel "time t = eta * steps"
set ylabel "test error (%)"
unset logscale y
set key top right
plot kern using 1:4 with lines lw 2 lc rgb "black" title "kernel (gradient flow)", \
     for [i=0:nw-1] net index i using 2:5 with points pt 7 ps 0.5 title "h = ".word(widths, i+1)
set title "training loss"
set ylabel "train MSE"
set logscale y
set yrange [1e-8:2]
plot kern using 1:2 with lines lw 2 lc rgb "black" title "kernel (gradient flow)", \
     for [i=0:nw-1] net index i using 2:3 with points pt 7 ps 0.5 title "h = ".word(widths, i+1)
set title "residual along the top eigenvectors v_i: exp(-lambda_i t) (lines), widest network (points)"
set ylabel "v_i'(g_t - y) / v_i'(-y)"
set yrange [1e-4:2]
set key bottom left font ",9"
plot for [q=1:5] kern using 1:(column(4+q)) with lines lw 2 dt q lc q title "exp(-lambda_".q." t)", \
     for [q=1:5] net index (nw-1) using 2:(abs(column(5+q))) with points pt 7 ps 0.5 lc q title "h = ".word(widths, nw).", i = ".q
unset multiplot
