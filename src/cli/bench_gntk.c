/* bench_gntk: load a graph benchmark and print its summary. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"
#include "gntk/graphset.h"
#include "ntkb_config.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_gntk [--dataset NAME|DIR|FILE]\n"
            "  --dataset  a dataset name under datasets/ (MUTAG, PTC, NCI1, PROTEINS, IMDBBINARY,\n"
            "             IMDBMULTI, COLLAB), a TU or GIN directory, or a GIN text file [MUTAG]\n"
            "  --help     this text\n  --version  print the version\n");
}

int main(int argc, char **argv)
{
    const char *dataset = "MUTAG";
    static const struct option opts[] = {{"dataset", required_argument, 0, 'd'},
                                         {"help", no_argument, 0, 'h'},
                                         {"version", no_argument, 0, 'V'},
                                         {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dataset = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("bench_gntk (ntkbench) %s\n", NTKB_VERSION); return 0;
        default: usage(stderr); return 1;
        }
    }
    ntkb_init_error_handlers();
    ntkb_graphset *gs;
    ntkb_status st = ntkb_graphset_load(dataset, NULL, NTKB_TAGS_AUTO, &gs);
    if (st != NTKB_OK) {
        fprintf(stderr, "bench_gntk: %s\n", ntkb_last_error());
        return ntkb_status_exit_code(st);
    }
    printf("dataset %s: %zu graphs, %zu classes, %zu nodes, %zu edges, %zu self-loops, %zu tags\n",
           gs->name, gs->n_graphs, gs->n_classes, gs->n_nodes, gs->n_edges, gs->n_self_loops,
           gs->n_tags);
    ntkb_graphset_free(gs);
    return 0;
}
