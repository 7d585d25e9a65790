/* An out-of-tree program built against the installed ntkbench (pkg-config ntkbench): the GNTK
 * Grams of MUTAG (2 BLOCKs, R = 2, uniform), written as .npy files for comparison with
 * bench_gntk's.  usage: mutag_gntk OUT_DIR */
#include <ntkbench.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mutag_gntk OUT_DIR\n");
        return 1;
    }
    if (strcmp(ntkb_version(), NTKB_VERSION_STRING) != 0) {
        fprintf(stderr, "library %s, headers %s\n", ntkb_version(), NTKB_VERSION_STRING);
        return 1;
    }
    ntkb_graphset *gs = NULL;
    ntkb_gntk_params p = {2, 2, NTKB_GNTK_UNIFORM, 0};
    ntkb_status st = ntkb_graphset_load("MUTAG", NULL, NTKB_TAGS_AUTO, &gs);
    size_t K = ntkb_gntk_n_out(&p), N = st == NTKB_OK ? gs->n_graphs : 0;
    ntkb_gram *g[4] = {0};
    double *data[4] = {0};
    for (size_t k = 0; st == NTKB_OK && k < K; k++)
        if (!(g[k] = ntkb_gram_alloc(N)))
            st = NTKB_ENOMEM;
        else
            data[k] = g[k]->data;
    if (st == NTKB_OK)
        st = ntkb_gntk_gram(gs, &p, 2, data);
    for (size_t k = 0; st == NTKB_OK && k < K; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/gram-L%zu-jk%zu.npy", argv[1], k / 2 + 1, k % 2);
        st = ntkb_gram_save_npy(g[k], path);
    }
    if (st != NTKB_OK)
        fprintf(stderr, "mutag_gntk: %s\n", ntkb_last_error());
    for (size_t k = 0; k < K; k++)
        ntkb_gram_free(g[k]);
    ntkb_graphset_free(gs);
    return st == NTKB_OK ? 0 : 1;
}
