/*
 * cursor.c - bounds-checked reads over untrusted bytes.
 *
 * With the inline getters of cursor.h, the only code that indexes wire bytes.  Each getter tests
 * the length it needs against c->len before it forms a pointer, and leaves the cursor and its
 * output untouched when the test fails.
 */
#include "config.h"

#include "cursor.h"

#include <string.h>

static void advance(struct rd_cur *c, size_t n)
{
    rd_cur_advance_(c, n);
}

bool rd_cur_u16le(struct rd_cur *c, uint16_t *v)
{
    if (c->len < 2) {
        return false;
    }
    *v = (uint16_t)((unsigned)c->p[1] << 8 | c->p[0]);
    advance(c, 2);
    return true;
}

bool rd_cur_u24be(struct rd_cur *c, uint32_t *v)
{
    if (c->len < 3) {
        return false;
    }
    *v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | c->p[2];
    advance(c, 3);
    return true;
}

bool rd_cur_u32le(struct rd_cur *c, uint32_t *v)
{
    if (c->len < 4) {
        return false;
    }
    *v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 | c->p[0];
    advance(c, 4);
    return true;
}

bool rd_cur_u64be(struct rd_cur *c, uint64_t *v)
{
    uint64_t r = 0;

    if (c->len < 8) {
        return false;
    }
    for (size_t i = 0; i < 8; i++) {
        r = r << 8 | c->p[i];
    }
    *v = r;
    advance(c, 8);
    return true;
}

bool rd_cur_u64le(struct rd_cur *c, uint64_t *v)
{
    uint64_t r = 0;

    if (c->len < 8) {
        return false;
    }
    for (size_t i = 8; i > 0; i--) {
        r = r << 8 | c->p[i - 1];
    }
    *v = r;
    advance(c, 8);
    return true;
}

bool rd_cur_prefixed_u8(struct rd_cur *c, struct rd_cur *child)
{
    struct rd_cur t = *c;
    uint8_t n;

    if (!rd_cur_u8(&t, &n) || !rd_cur_take(&t, n, child)) {
        return false;
    }
    *c = t;
    return true;
}

bool rd_cur_prefixed_u16be(struct rd_cur *c, struct rd_cur *child)
{
    struct rd_cur t = *c;
    uint16_t n;

    if (!rd_cur_u16be(&t, &n) || !rd_cur_take(&t, n, child)) {
        return false;
    }
    *c = t;
    return true;
}

bool rd_cur_prefixed_u24be(struct rd_cur *c, struct rd_cur *child)
{
    struct rd_cur t = *c;
    uint32_t n;

    if (!rd_cur_u24be(&t, &n) || !rd_cur_take(&t, n, child)) {
        return false;
    }
    *c = t;
    return true;
}

bool rd_cur_expect(struct rd_cur *c, const void *bytes, size_t n)
{
    if (n > c->len || memcmp(c->p, bytes, n) != 0) {
        return false;
    }
    advance(c, n);
    return true;
}

bool rd_cur_copy(struct rd_cur *c, size_t n, void *dst, size_t dstsize)
{
    if (n > dstsize || n > c->len) {
        return false;
    }
    if (n > 0) {
        memcpy(dst, c->p, n);
    }
    advance(c, n);
    return true;
}

bool rd_cur_slice(const struct rd_cur *base, size_t off, size_t n, struct rd_cur *child)
{
    if (off > base->len || n > base->len - off) {
        return false;
    }
    child->p = base->p + off;
    child->len = n;
    child->off = base->off + off;
    return true;
}

bool rd_cur_is_empty(const struct rd_cur *c)
{
    return c->len == 0;
}

struct rd_bytes rd_cur_rest(const struct rd_cur *c)
{
    struct rd_bytes b = {c->p, c->len};
    return b;
}

enum rd_status rd_fail(struct rd_diag *diag, enum rd_why why, const struct rd_cur *at,
                       const char *field)
{
    if (diag != NULL && diag->why == RD_WHY_NONE) {
        diag->why = why;
        diag->field = field;
        diag->off = at != NULL ? at->off : 0;
    }
    return RD_MALFORMED;
}

const char *rd_why_name(enum rd_why why)
{
    switch (why) {
    case RD_WHY_NONE:
        return "none";
    case RD_WHY_SHORT:
        return "short";
    case RD_WHY_OVERRUN:
        return "overrun";
    case RD_WHY_TRAILING:
        return "trailing bytes";
    case RD_WHY_BAD_VALUE:
        return "bad value";
    case RD_WHY_UNSUPPORTED:
        return "unsupported";
    case RD_WHY_LIMIT:
        return "limit";
    }
    return "unknown";
}

bool rd_bytes_eq(struct rd_bytes b, const void *lit, size_t n)
{
    return b.len == n && (n == 0 || memcmp(b.p, lit, n) == 0);
}
