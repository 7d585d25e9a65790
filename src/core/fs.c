#include "fs.h"

#include "ntkb_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int ntkb_fs_is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

int ntkb_fs_is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

ntkb_status ntkb_fs_mkdir(const char *path)
{
    if (mkdir(path, 0777) == 0 || (errno == EEXIST && ntkb_fs_is_dir(path)))
        return NTKB_OK;
    return ntkb_error(NTKB_EIO, "%s: cannot create directory: %s", path, strerror(errno));
}

char *ntkb_fs_slurp(const char *path, size_t max_bytes)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *s = NULL;
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && sb.st_size >= 0 && (size_t)sb.st_size <= max_bytes) {
        size_t n = (size_t)sb.st_size;
        s = malloc(n + 1);
        if (s && fread(s, 1, n, fp) == n) {
            s[n] = '\0';
        } else {
            free(s);
            s = NULL;
        }
    }
    fclose(fp);
    return s;
}

const char *ntkb_fs_data_dir(void)
{
    const char *env = getenv("NTKB_DATA");
    if (env && *env)
        return env;
    return ntkb_fs_is_dir(NTKB_INSTALLED_DATADIR) ? NTKB_INSTALLED_DATADIR : "datasets";
}
