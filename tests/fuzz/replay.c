/*
 * replay.c - run fuzz inputs through a target without libFuzzer, so that
 * `make check` replays every corpus with any compiler (STYLE.md §8).
 *
 * Usage: replay_<module> [FILE|DIR]...   With no argument, the directory
 * compiled in as RD_FUZZ_CORPUS, then RD_FUZZ_EXTRA (captures/) and
 * RD_FUZZ_PUBLIC (the shared public captures, skipped with a note when absent)
 * when the build defines them.  Every file is copied into a buffer of
 * exactly its size (a sanitizer build then catches any read past it) and
 * given to LLVMFuzzerTestOneInput; the target aborts on a broken contract.
 * Files are run in name order so that a failure is reproducible.
 */
#include "config.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_MAX_INPUT (8u * 1024u * 1024u)

static int run_file(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        (unsigned long)n > REPLAY_MAX_INPUT) {
        fprintf(stderr, "replay: %s: cannot size the file (or above %u bytes)\n", path,
                REPLAY_MAX_INPUT);
        fclose(f);
        return -1;
    }
    /* malloc(0) may return NULL; a one-byte allocation keeps the pointer valid. */
    buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "replay: %s: read failed\n", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    (*count)++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    int rc = 0;

    if (d == NULL) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            char **nn = realloc(names, ncap * sizeof(*names));
            if (nn == NULL) {
                rc = -1;
                break;
            }
            names = nn;
            cap = ncap;
        }
        names[n] = strdup(de->d_name);
        if (names[n] == NULL) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 0) {
        qsort(names, n, sizeof(*names), cmp_names);
    }
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        int w = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (rc == 0 && w > 0 && (size_t)w < sizeof(path) && stat(path, &st) == 0 &&
            S_ISREG(st.st_mode) && run_file(path, count) != 0) {
            rc = -1;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

#ifdef RD_FUZZ_PUBLIC
static bool stat_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
#endif

static int run_path(const char *path, size_t *count)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return S_ISDIR(st.st_mode) ? run_dir(path, count) : run_file(path, count);
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int rc = 0;

    if (argc < 2) {
#ifdef RD_FUZZ_CORPUS
        rc = run_path(RD_FUZZ_CORPUS, &count);
#else
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
#endif
#ifdef RD_FUZZ_EXTRA
        if (run_path(RD_FUZZ_EXTRA, &count) != 0) {
            rc = -1;
        }
#endif
#ifdef RD_FUZZ_PUBLIC
        if (stat_dir(RD_FUZZ_PUBLIC)) {
            if (run_path(RD_FUZZ_PUBLIC, &count) != 0) {
                rc = -1;
            }
        } else {
            printf("%s: %s absent, public captures not replayed\n", argv[0], RD_FUZZ_PUBLIC);
        }
#endif
    }
    for (int i = 1; i < argc; i++) {
        if (run_path(argv[i], &count) != 0) {
            rc = -1;
        }
    }
    fprintf(stderr, "%s: %zu inputs replayed\n", argv[0], count);
    return rc == 0 ? 0 : 1;
}
