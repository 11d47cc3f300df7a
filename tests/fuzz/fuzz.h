/*
 * fuzz.h - helpers shared by the fuzz targets (tests/fuzz/fuzz_*.c).
 *
 * Each target defines LLVMFuzzerTestOneInput.  Built with clang and
 * -fsanitize=fuzzer it is a libFuzzer binary; linked with replay.c instead it
 * replays a corpus directory with any compiler (make check).
 *
 * Beyond "no crash", the targets check the dissector contract of STYLE.md §2-3:
 * every view a parser returns lies inside the input it was given, a MALFORMED
 * status comes with a reason, a field name and an offset inside the input, and
 * framing functions never claim a PDU shorter than its header.  A broken
 * contract aborts, so both libFuzzer and the replay driver report it.
 */
#ifndef RD_FUZZ_H
#define RD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fail loudly: the message names the broken property. */
static inline void fz_fail(const char *what)
{
    fprintf(stderr, "fuzz contract violated: %s\n", what);
    abort();
}

/* A view must lie inside [base, base + size); reading every byte lets ASan check it. */
static inline void fz_view_in(struct rd_bytes v, const uint8_t *base, size_t size)
{
    volatile uint8_t sink = 0;

    if (v.len == 0) {
        return;
    }
    if (v.p == NULL || base == NULL) {
        fz_fail("non-empty view with a NULL pointer");
    }
    if ((uintptr_t)v.p < (uintptr_t)base || (uintptr_t)v.p - (uintptr_t)base > size ||
        v.len > size - (size_t)((uintptr_t)v.p - (uintptr_t)base)) {
        fz_fail("view outside the input");
    }
    for (size_t i = 0; i < v.len; i++) {
        struct rd_cur c;
        uint8_t b = 0;
        rd_cur_init(&c, v.p, v.len);
        if (rd_cur_skip(&c, i) && rd_cur_u8(&c, &b)) {
            sink = (uint8_t)(sink ^ b);
        }
    }
    (void)sink;
}

/* The same for a cursor handed back by a parser. */
static inline void fz_cur_in(struct rd_cur c, const uint8_t *base, size_t size)
{
    fz_view_in(rd_cur_rest(&c), base, size);
}

/* A status and its diagnostic agree: MALFORMED names why, where and what. */
static inline void fz_status(enum rd_status st, const struct rd_diag *d, size_t size)
{
    if (st != RD_OK && st != RD_NEED_MORE && st != RD_MALFORMED) {
        fz_fail("status out of range");
    }
    if (st != RD_MALFORMED) {
        return;
    }
    if (d->field == NULL || d->field[0] == '\0') {
        fz_fail("MALFORMED without a field name");
    }
    if (d->off > size) {
        fz_fail("MALFORMED at an offset past the input");
    }
    if (rd_why_name(d->why) == NULL) {
        fz_fail("reason without a name");
    }
}

/* A name helper returns a static string, never NULL (STYLE.md §4). */
static inline void fz_name(const char *s)
{
    volatile size_t n = 0;

    if (s == NULL) {
        fz_fail("name helper returned NULL");
    }
    while (s[n] != '\0') {
        n = n + 1;
    }
    (void)n;
}

/* A view of all the input, for parsers taking a cursor by value. */
static inline struct rd_cur fz_cur(const uint8_t *data, size_t size)
{
    struct rd_cur c;

    rd_cur_init(&c, data, size);
    return c;
}

#endif
