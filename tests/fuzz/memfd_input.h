/*
 * memfd_input.h - hand the fuzz input to code that opens a path: one memory
 * file per process, rewritten for every input, named /proc/self/fd/N.
 */
#ifndef RD_FUZZ_MEMFD_INPUT_H
#define RD_FUZZ_MEMFD_INPUT_H

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

/* The path of a file holding exactly data[0..size). */
static inline const char *fz_memfd_path(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    size_t done = 0;

    if (fd < 0) {
        fd = memfd_create("rdpdiag-fuzz", 0);
        if (fd < 0) {
            fz_fail("memfd_create");
        }
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0) {
        fz_fail("ftruncate");
    }
    while (done < size) {
        ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
        if (w <= 0) {
            fz_fail("pwrite");
        }
        done += (size_t)w;
    }
    return path;
}

#endif
