/*
 * fuzz_ber.c - BER/DER (ITU-T X.690) element reading: a recursive walk of the
 * whole input (depth capped by RD_BER_MAX_DEPTH, as STYLE.md §2 asks of every
 * walker), the primitive decoders on every primitive, and stream framing.
 */
#include "config.h"

#include "ber.h"
#include "fuzz.h"

static void walk(struct rd_cur c, unsigned depth, const uint8_t *data, size_t size)
{
    while (!rd_cur_is_empty(&c)) {
        struct rd_ber_elem e;
        struct rd_diag d = {0};
        uint32_t tag = 0;
        size_t before = c.len;
        bool peeked = rd_ber_peek(&c, &tag);
        enum rd_status st = rd_ber_get_any(&c, &e, &d);

        fz_status(st, &d, size);
        if (st != RD_OK) {
            return;
        }
        if (!peeked || tag != e.tag) {
            fz_fail("rd_ber_peek disagrees with rd_ber_get_any");
        }
        if (e.header_len == 0 || e.header_len + e.contents.len != before - c.len) {
            fz_fail("BER header + contents do not add up to what was consumed");
        }
        fz_cur_in(e.contents, data, size);
        if (RD_BER_TAG_CONSTRUCTED(e.tag)) {
            if (depth + 1 < RD_BER_MAX_DEPTH) {
                walk(e.contents, depth + 1, data, size);
            }
        } else {
            uint64_t u;
            int64_t s;
            bool b;
            bool non_der = false;
            d = (struct rd_diag){0};
            fz_status(rd_ber_uint64(e.contents, &u, &non_der, &d), &d, size);
            d = (struct rd_diag){0};
            fz_status(rd_ber_int64(e.contents, &s, &non_der, &d), &d, size);
            d = (struct rd_diag){0};
            fz_status(rd_ber_bool(e.contents, &b, &d), &d, size);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    struct rd_cur c = in;
    struct rd_ber_elem e;
    struct rd_diag d = {0};
    size_t total = 0;
    bool present = false;
    enum rd_status st;

    walk(in, 0, data, size);

    st = rd_ber_frame(in, &total, &d);
    fz_status(st, &d, size);
    if (st == RD_OK && (total == 0 || total > size)) {
        fz_fail("rd_ber_frame: framed length outside [1, available]");
    }
    if (st == RD_NEED_MORE && total <= size && total != 0 && size > 1) {
        /* total is the whole element, or the header bytes still missing */
        struct rd_diag d2 = {0};
        if (rd_ber_get_any(&c, &e, &d2) == RD_OK) {
            fz_fail("rd_ber_frame wants more for an element that parses");
        }
    }
    /* A failed get or optional must not move the cursor (STYLE.md §2). */
    c = in;
    d = (struct rd_diag){0};
    if (rd_ber_get(&c, RD_BER_SEQUENCE, &e, &d) != RD_OK && (c.p != in.p || c.len != in.len)) {
        fz_fail("failed rd_ber_get moved the cursor");
    }
    c = in;
    d = (struct rd_diag){0};
    st = rd_ber_optional(&c, RD_BER_CTX(0), &e, &present, &d);
    fz_status(st, &d, size);
    if ((st != RD_OK || !present) && (c.p != in.p || c.len != in.len)) {
        fz_fail("absent or failed rd_ber_optional moved the cursor");
    }
    return 0;
}
