/* Speed of the WL subtree Gram (src/gntk/wl.h).
 * usage: perf_wl [DATASET=COLLAB] [H=5] [THREADS=2] [OUT.npy [LABELS.npy]]
 * Prints one CSV line: kernel,dataset,H,threads,graphs,load_s,wl_s,labels_at_H.  The Gram of
 * depth H (cumulative over h = 0..H) is written to OUT.npy when given, the graph labels to
 * LABELS.npy (for ntkb_eval).  Target:
 * COLLAB, H = 5, ≤ 5 s on 2 cores. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/clock.h"
#include "core/gram.h"
#include "core/status.h"
#include "gntk/graphset.h"
#include "gntk/wl.h"

int main(int argc, char **argv)
{
    const char *dataset = argc > 1 ? argv[1] : "COLLAB";
    size_t H = argc > 2 ? strtoul(argv[2], NULL, 10) : 5;
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    const char *out_path = argc > 4 ? argv[4] : NULL;
    ntkb_graphset *gs = NULL;
    double t0 = ntkb_clock_now();
    ntkb_status st = ntkb_graphset_load(dataset, NULL, NTKB_TAGS_AUTO, &gs);
    if (st) {
        fprintf(stderr, "perf_wl: %s\n", ntkb_last_error());
        return ntkb_status_exit_code(st);
    }
    double t1 = ntkb_clock_now();
    ntkb_gram **out = calloc(H + 1, sizeof *out);
    uint8_t *want = calloc(H + 1, 1);
    size_t *labels = calloc(H + 1, sizeof *labels);
    if (!out || !want || !labels)
        return 3;
    want[H] = 1;
    st = ntkb_wl_grams(gs, H, NTKB_WL_INIT_TAGS, want, threads, out, labels);
    double t2 = ntkb_clock_now();
    if (st) {
        fprintf(stderr, "perf_wl: %s\n", ntkb_last_error());
        return ntkb_status_exit_code(st);
    }
    printf("kernel,dataset,H,threads,graphs,load_s,wl_s,labels_at_H\n");
    printf("wl,%s,%zu,%d,%zu,%.3f,%.3f,%zu\n", dataset, H, threads, gs->n_graphs, t1 - t0, t2 - t1,
           labels[H]);
    if (out_path && (st = ntkb_gram_save_npy(out[H], out_path)))
        fprintf(stderr, "perf_wl: %s\n", ntkb_last_error());
    if (!st && argc > 5 && (st = ntkb_labels_save_npy(argv[5], gs->label, gs->n_graphs)))
        fprintf(stderr, "perf_wl: %s\n", ntkb_last_error());
    ntkb_gram_free(out[H]);
    free(out);
    free(want);
    free(labels);
    ntkb_graphset_free(gs);
    return st ? ntkb_status_exit_code(st) : 0;
}
