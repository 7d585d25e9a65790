/* One GNTK pass written to a directory: the Grams of every depth and readout, the labels and a
 * meta.json whose fingerprint says which graph set and parameters produced them, so that a
 * later run can reuse the pass (same fingerprint) or continue it (the tiled driver's journal). */
#include "gntk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/fs.h"
#include "core/gram.h"
#include "core/meta.h"
#include "core/ranks.h"
#include "core/threads.h"
#include "gntk/relu.h"
#include "ntkb_config.h"

/* True when dir holds a finished pass with this fingerprint; *seconds gets its run time. */
static int pass_is_cached(const char *dir, const char *fingerprint, int blocks, double *seconds)
{
    char path[4200], want[600];
    snprintf(path, sizeof path, "%s/meta.json", dir);
    char *meta = ntkb_fs_slurp(path, 1 << 20);
    snprintf(want, sizeof want, "\"fingerprint\": \"%s\"", fingerprint);
    int ok = meta && strstr(meta, want);
    const char *s = ok ? strstr(meta, "\"seconds\": ") : NULL;
    *seconds = s ? strtod(s + 11, NULL) : 0.0;
    free(meta);
    for (int l = 1; ok && l <= blocks; l++)
        for (int jk = 0; ok && jk < 2; jk++) {
            struct stat sb;
            snprintf(path, sizeof path, "%s/gram-L%d-jk%d.npy", dir, l, jk);
            ok = stat(path, &sb) == 0;
        }
    return ok;
}

/* Before a pass is computed into dir: its old meta.json goes (it would vouch for Grams being
 * replaced), and so do the Grams of an earlier, deeper run (gram-L{l}-jk{0,1}.npy with l beyond
 * this pass), which would otherwise stay beside the new ones as if they belonged to them. */
static ntkb_status remove_stale(const char *dir, int blocks)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/meta.json", dir);
    if (unlink(path) != 0 && errno != ENOENT)
        return ntkb_error(NTKB_EIO, "%s: cannot remove the previous run's file: %s", path,
                          strerror(errno));
    DIR *d = opendir(dir);
    if (!d)
        return ntkb_error(NTKB_EIO, "%s: cannot list: %s", dir, strerror(errno));
    ntkb_status st = NTKB_OK;
    struct dirent *e;
    while (st == NTKB_OK && (e = readdir(d))) {
        int l, jk, end = 0;
        if (sscanf(e->d_name, "gram-L%d-jk%d.npy%n", &l, &jk, &end) != 2 || e->d_name[end] ||
            end == 0 || (l >= 1 && l <= blocks && (jk == 0 || jk == 1)))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0)
            st = ntkb_error(NTKB_EIO, "%s: cannot remove the previous run's file: %s", path,
                            strerror(errno));
    }
    closedir(d);
    return st;
}

static ntkb_status write_pass_meta(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                                   const char *dataset_arg, const char *dir, const char *fp,
                                   int threads, double seconds, const ntkb_tiles_stats *stats)
{
    char path[4200];
    ntkb_meta *m = ntkb_meta_alloc();
    if (!m)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    ntkb_status st = ntkb_meta_add_string(m, "kernel", "gntk");
    if (!st) st = ntkb_meta_add_string(m, "dataset", gs->name);
    if (!st) st = ntkb_meta_add_string(m, "dataset_arg", dataset_arg);
    if (!st) st = ntkb_meta_add_int(m, "n_graphs", (int64_t)gs->n_graphs);
    if (!st) st = ntkb_meta_add_int(m, "blocks", p->blocks);
    if (!st) st = ntkb_meta_add_int(m, "official_num_layers", p->blocks + 1);
    if (!st) st = ntkb_meta_add_int(m, "mlp", p->mlp);
    if (!st) st = ntkb_meta_add_string(m, "scale", p->scale ? "degree" : "uniform");
    if (!st) st = ntkb_meta_add_string(m, "mode", p->faithful ? "faithful" : "fast");
    if (!st) st = ntkb_meta_add_string(m, "files", "gram-L{l}-jk{0,1}.npy, l = 1..blocks");
    if (!st) st = ntkb_meta_add_string(m, "factor", "includes the official final factor 2");
    if (!st) st = ntkb_meta_add_string(m, "fingerprint", fp);
    if (!st) st = ntkb_meta_add_string(m, "relu", ntkb_gntk_relu_impl());
    if (!st) st = ntkb_meta_add_int(m, "threads", threads);
    if (!st) st = ntkb_meta_add_int(m, "ranks", ntkb_ranks_size());
    if (!st) st = ntkb_meta_add_int(m, "tiles_skipped_on_resume", (int64_t)stats->tiles_skipped);
    if (!st) st = ntkb_meta_add_double(m, "seconds", seconds);
    if (!st) st = ntkb_meta_add_string(m, "version", NTKB_VERSION);
    snprintf(path, sizeof path, "%s/meta.json", dir);
    if (!st)
        st = ntkb_meta_write(m, path);
    ntkb_meta_free(m);
    return st;
}

/* One run at a time per directory: a second --out run is refused (its tiles would interleave
 * with ours); a second user of a cache directory waits, then reuses the pass. */
static ntkb_status take_dir(const char *dir, const ntkb_gntk_pass_opts *po, ntkb_fs_lock *lock)
{
    ntkb_status st = ntkb_fs_mkdir(dir);
    if (st == NTKB_OK)
        st = ntkb_fs_lock_take(lock, dir, po->reuse ? "cache directory" : "output directory");
    if (st == NTKB_EBUSY && po->reuse) {
        if (!po->quiet)
            fprintf(stderr, "%s: waiting for the run that holds it\n", dir);
        st = ntkb_fs_lock_wait(lock, dir);
    }
    return st;
}

ntkb_status ntkb_gntk_pass_run(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                               const char *dataset_arg, const char *dir,
                               const ntkb_gntk_pass_opts *po, double *seconds, int *reused,
                               ntkb_tiles_stats *stats)
{
    char fp[512], path[4200];
    ntkb_tiles_stats local = {0};
    if (!stats)
        stats = &local;
    ntkb_gntk_fingerprint(gs, p, fp, sizeof fp);
    /* Over MPI ranks rank 0 takes the directory, decides and writes; the others compute
     * tiles only and learn rank 0's outcome (its status, whether the pass is cached). */
    const int root = ntkb_ranks_rank() == 0;
    ntkb_fs_lock lock = {-1};
    ntkb_status st = NTKB_OK;
    int32_t state[2] = {NTKB_OK, 0};
    if (root) {
        st = take_dir(dir, po, &lock);
        if (st == NTKB_OK && !(state[1] = po->reuse && pass_is_cached(dir, fp, p->blocks, seconds)))
            st = remove_stale(dir, p->blocks);
        state[0] = st;
    }
    ntkb_status bs = ntkb_ranks_bcast(state, sizeof state);
    if (bs != NTKB_OK)
        st = bs;
    else if (!root && state[0] != NTKB_OK)
        st = ntkb_error((ntkb_status)state[0], "rank 0 could not prepare %s", dir);
    *reused = state[1];
    if (st != NTKB_OK || *reused) {
        ntkb_fs_unlock(&lock);
        return st;
    }
    size_t K = ntkb_gntk_n_out(p);
    char **names = calloc(K, sizeof *names);
    for (size_t k = 0; names && k < K; k++)
        if ((names[k] = malloc(48)))
            snprintf(names[k], 48, "gram-L%zu-jk%zu.npy", k / 2 + 1, k % 2);
    ntkb_tiles_spec spec = {0};
    spec.threads = po->threads;
    spec.tile = po->tile;
    spec.resume = po->resume;
    spec.out_dir = dir;
    spec.names = (const char *const *)names;
    spec.progress = po->quiet ? NULL : "bench_gntk";
    double t0 = ntkb_clock_now();
    st = names ? ntkb_gntk_gram_run(gs, p, &spec, stats) : ntkb_error(NTKB_ENOMEM, "out of memory");
    *seconds = ntkb_clock_now() - t0;
    snprintf(path, sizeof path, "%s/labels.npy", dir);
    if (st == NTKB_OK && root)
        st = ntkb_labels_save_npy(path, gs->label, gs->n_graphs);
    if (st == NTKB_OK && root)
        st = write_pass_meta(gs, p, dataset_arg, dir, fp, ntkb_threads_resolve(po->threads),
                             *seconds, stats);
    for (size_t k = 0; names && k < K; k++)
        free(names[k]);
    free(names);
    ntkb_fs_unlock(&lock);
    return st;
}

