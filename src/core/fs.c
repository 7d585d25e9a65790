#include "fs.h"

#include "ntkb_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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

ntkb_status ntkb_fs_check_writable(const char *path, const char *what)
{
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/.write-check.XXXXXX", path);
    int fd = mkstemp(probe);
    if (fd < 0)
        return ntkb_error(NTKB_EIO, "%s: %s is not writable: %s", path, what, strerror(errno));
    close(fd);
    unlink(probe);
    return NTKB_OK;
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

static ntkb_status lock_open(ntkb_fs_lock *lock, const char *path)
{
    char file[4200];
    snprintf(file, sizeof file, "%s/.lock", path);
    lock->fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lock->fd < 0)
        return ntkb_error(NTKB_EIO, "%s: cannot create the lock file: %s", file, strerror(errno));
    return NTKB_OK;
}

ntkb_status ntkb_fs_lock_take(ntkb_fs_lock *lock, const char *path, const char *what)
{
    ntkb_status st = lock_open(lock, path);
    if (st != NTKB_OK)
        return st;
    if (flock(lock->fd, LOCK_EX | LOCK_NB) == 0)
        return NTKB_OK;
    int err = errno;
    close(lock->fd);
    lock->fd = -1;
    if (err == EWOULDBLOCK)
        return ntkb_error(NTKB_EBUSY, "%s: %s in use by another run (wait for it to finish, or "
                          "choose another directory)", path, what);
    return ntkb_error(NTKB_EIO, "%s: cannot lock: %s", path, strerror(err));
}

ntkb_status ntkb_fs_lock_wait(ntkb_fs_lock *lock, const char *path)
{
    ntkb_status st = lock_open(lock, path);
    if (st != NTKB_OK)
        return st;
    while (flock(lock->fd, LOCK_EX) != 0)
        if (errno != EINTR) {
            int err = errno;
            close(lock->fd);
            lock->fd = -1;
            return ntkb_error(NTKB_EIO, "%s: cannot lock: %s", path, strerror(err));
        }
    return NTKB_OK;
}

void ntkb_fs_unlock(ntkb_fs_lock *lock)
{
    if (lock->fd >= 0) {
        flock(lock->fd, LOCK_UN);
        close(lock->fd);
    }
    lock->fd = -1;
}
