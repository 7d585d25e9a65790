/* Finding a dataset: a name under the data directory, a TU directory or a GIN file; the
 * readers do the parsing. */
#include "graphset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fs.h"
#include "ntkb_config.h"

static const char *default_datadir(const char *datadir)
{
    return datadir ? datadir : ntkb_fs_data_dir();
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* Copies `dir` without trailing slashes into buf and returns its last component. */
static const char *dir_name(const char *dir, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", dir);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    return base_name(buf);
}

ntkb_status ntkb_dataset_dir(const char *dataset, const char *datadir, char *buf, size_t cap)
{
    if (ntkb_fs_is_dir(dataset)) {
        dir_name(dataset, buf, cap);
        return NTKB_OK;
    }
    if (ntkb_fs_is_file(dataset)) {
        snprintf(buf, cap, "%s", dataset);
        char *s = strrchr(buf, '/');
        if (s)
            *s = '\0';
        else
            snprintf(buf, cap, ".");
        return NTKB_OK;
    }
    snprintf(buf, cap, "%s/%s", default_datadir(datadir), dataset);
    if (!ntkb_fs_is_dir(buf))
        return ntkb_error(NTKB_ENOTFOUND, "dataset '%s': no such file or directory, and no %s", dataset,
                          buf);
    return NTKB_OK;
}

ntkb_status ntkb_graphset_load(const char *dataset, const char *datadir, ntkb_tag_mode tags,
                               ntkb_graphset **out)
{
    char dir[4096], path[4200], tmp[4096];
    *out = NULL;
    if (ntkb_fs_is_file(dataset)) {
        char name[64];
        snprintf(name, sizeof name, "%s", base_name(dataset));
        name[strcspn(name, ".")] = '\0';
        return ntkb_graphset_read_gin(dataset, name, tags, out);
    }
    ntkb_status st = ntkb_dataset_dir(dataset, datadir, dir, sizeof dir);
    if (st != NTKB_OK)
        return st;
    const char *name = dir_name(dir, tmp, sizeof tmp);
    const char *suffix[] = {".txt", ".txt.gz"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix[k]);
        if (ntkb_fs_is_file(path))
            return ntkb_graphset_read_gin(path, name, tags, out);
        snprintf(path, sizeof path, "%s/%s_A%s", dir, name, suffix[k]);
        if (ntkb_fs_is_file(path))
            return ntkb_graphset_read_tu(dir, name, tags, out);
    }
    return ntkb_error(NTKB_ENOTFOUND, "%s: no GIN-format %s.txt[.gz] and no TU-format %s_A.txt[.gz] in it",
                      dir, name, name);
}
