/*
 * cursor.h - the one bounds-checked reader every dissector uses.
 *
 * A cursor is a read-only view over bytes that strangers produced.  Every getter
 * returns bool: on true it wrote its output and advanced; on false nothing
 * changed (the cursor did not move and the output was not written).  Lengths are
 * compared before any pointer is formed, so no getter can read outside the view.
 *
 * Views (struct rd_bytes, child cursors) point into the caller's buffer and live
 * exactly as long as it does.
 */
#ifndef RD_CURSOR_H
#define RD_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rd_cur {
    const uint8_t *p; /* next unread byte */
    size_t len;       /* bytes left in this view */
    size_t off;       /* offset of p in the outermost buffer, for diagnostics */
};

/* A byte field of a result struct: a view into the parsed input. */
struct rd_bytes {
    const uint8_t *p;
    size_t len;
};

enum rd_status { RD_OK = 0, RD_NEED_MORE, RD_MALFORMED };

/* Why a parse failed.  _UNSUPPORTED and _LIMIT are never blamed on a peer. */
enum rd_why {
    RD_WHY_NONE = 0,
    RD_WHY_SHORT,       /* a field runs past the end of its PDU */
    RD_WHY_OVERRUN,     /* a length field points past its enclosing structure */
    RD_WHY_TRAILING,    /* bytes left over after a structure that must be consumed exactly */
    RD_WHY_BAD_VALUE,   /* a value the specification does not allow */
    RD_WHY_UNSUPPORTED, /* legal, but outside what we parse */
    RD_WHY_LIMIT        /* one of our own caps */
};

/* The first failure of a parse: reason, static dotted field name, offset. */
struct rd_diag {
    enum rd_why why;
    const char *field;
    size_t off;
};

/*
 * The getters every packet goes through are defined here, inline, so that the
 * per-packet decode pays no call for them; they follow the same contract.
 */
static inline void rd_cur_init(struct rd_cur *c, const uint8_t *data, size_t len)
{
    c->p = data;
    c->len = data != NULL ? len : 0;
    c->off = 0;
}

static inline void rd_cur_advance_(struct rd_cur *c, size_t n)
{
    c->p += n;
    c->len -= n;
    c->off += n;
}

static inline bool rd_cur_skip(struct rd_cur *c, size_t n)
{
    if (n > c->len) {
        return false;
    }
    rd_cur_advance_(c, n);
    return true;
}

static inline bool rd_cur_u8(struct rd_cur *c, uint8_t *v)
{
    if (c->len < 1) {
        return false;
    }
    *v = c->p[0];
    rd_cur_advance_(c, 1);
    return true;
}

static inline bool rd_cur_u16be(struct rd_cur *c, uint16_t *v)
{
    if (c->len < 2) {
        return false;
    }
    *v = (uint16_t)((unsigned)c->p[0] << 8 | c->p[1]);
    rd_cur_advance_(c, 2);
    return true;
}

static inline bool rd_cur_u32be(struct rd_cur *c, uint32_t *v)
{
    if (c->len < 4) {
        return false;
    }
    *v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3];
    rd_cur_advance_(c, 4);
    return true;
}

/* n big-endian 32-bit words into v[0..n-1] with one bounds check: all or none. */
static inline bool rd_cur_u32be_n(struct rd_cur *c, uint32_t *v, size_t n)
{
    if (n > c->len / 4) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *q = c->p + 4 * i;
        v[i] = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
    }
    rd_cur_advance_(c, 4 * n);
    return true;
}

/* Read the byte at offset n without advancing (n = 0 is the next byte). */
static inline bool rd_cur_peek_at(const struct rd_cur *c, size_t n, uint8_t *v)
{
    if (n >= c->len) {
        return false;
    }
    *v = c->p[n];
    return true;
}

static inline bool rd_cur_peek_u8(const struct rd_cur *c, uint8_t *v)
{
    return rd_cur_peek_at(c, 0, v);
}

/* Carve the next n bytes as a child view and advance past them. */
static inline bool rd_cur_take(struct rd_cur *c, size_t n, struct rd_cur *child)
{
    if (n > c->len) {
        return false;
    }
    child->p = c->p;
    child->len = n;
    child->off = c->off;
    rd_cur_advance_(c, n);
    return true;
}

bool rd_cur_u16le(struct rd_cur *c, uint16_t *v);
bool rd_cur_u24be(struct rd_cur *c, uint32_t *v);
bool rd_cur_u32le(struct rd_cur *c, uint32_t *v);
bool rd_cur_u64be(struct rd_cur *c, uint64_t *v);
bool rd_cur_u64le(struct rd_cur *c, uint64_t *v);

/* Carve the next n bytes as a child view and advance past them. */
/* Read a length of the named width, then carve exactly that many bytes. */
bool rd_cur_prefixed_u8(struct rd_cur *c, struct rd_cur *child);
bool rd_cur_prefixed_u16be(struct rd_cur *c, struct rd_cur *child);
bool rd_cur_prefixed_u24be(struct rd_cur *c, struct rd_cur *child);

/* Match a literal and advance past it. */
bool rd_cur_expect(struct rd_cur *c, const void *bytes, size_t n);
/* Copy n bytes into dst; fails (nothing copied) if n > dstsize or n > c->len. */
bool rd_cur_copy(struct rd_cur *c, size_t n, void *dst, size_t dstsize);
/* Random access: a child view of base at [off, off + n). */
bool rd_cur_slice(const struct rd_cur *base, size_t off, size_t n, struct rd_cur *child);

bool rd_cur_is_empty(const struct rd_cur *c);
/* The remaining bytes as a view (does not advance). */
struct rd_bytes rd_cur_rest(const struct rd_cur *c);

/* Record the first failure in diag (if any) and return RD_MALFORMED. */
enum rd_status rd_fail(struct rd_diag *diag, enum rd_why why, const struct rd_cur *at,
                       const char *field);
const char *rd_why_name(enum rd_why why);

/* Compare a view with a literal. */
bool rd_bytes_eq(struct rd_bytes b, const void *lit, size_t n);

#endif
