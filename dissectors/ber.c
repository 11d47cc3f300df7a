/*
 * ber.c - ASN.1 BER/DER element reader on top of the cursor.
 *
 * References: ITU-T X.690 (08/2015) 8.1.2 (identifier octets), 8.1.3 (length
 * octets), 8.2 (BOOLEAN), 8.3 (INTEGER), 10.1 (DER: definite length in the
 * minimum number of octets), 11.1 (DER BOOLEAN).
 *
 * Deliberate restrictions: indefinite lengths (legal BER, never used by the
 * protocols we read: CredSSP, SPNEGO and Kerberos promise DER, T.125 uses
 * definite lengths) are RD_WHY_UNSUPPORTED; lengths of more than 4 octets and
 * tag numbers of more than 4 subsequent octets are RD_WHY_LIMIT.  Encodings
 * that BER allows and DER forbids are accepted and flagged non_der.
 */
#include "config.h"

#include "ber.h"

#include <stdint.h>

/* X.690 8.1.3.5: at most 126 subsequent length octets; we take 4 (lengths < 4 GiB). */
#define MAX_LENGTH_OCTETS 4u
/* Tag numbers fit RD_BER_TAG's 29 bits: 4 subsequent octets of 7 bits each. */
#define MAX_TAG_OCTETS 4u

struct header {
    uint32_t tag;
    uint32_t length;
    size_t header_len;
    bool non_der;
};

/*
 * Read identifier and length octets from a copy of c.  On RD_NEED_MORE (the view
 * ends inside the header) *need is the header size known so far, a lower bound
 * for the element's total size.
 */
static enum rd_status read_header(struct rd_cur *c, struct header *h, size_t *need,
                                  struct rd_diag *diag)
{
    struct rd_cur t = *c;
    uint8_t b;
    uint32_t num;
    uint8_t nlen;
    uint32_t length = 0;
    size_t hlen;
    bool non_der = false;

    if (!rd_cur_u8(&t, &b)) {
        *need = 2;
        return RD_NEED_MORE;
    }
    hlen = 1;
    num = (uint32_t)b & 0x1fu;
    if (num == 0x1fu) {
        /* X.690 8.1.2.4: high tag number form, base-128 with a continuation bit. */
        num = 0;
        for (size_t i = 0;; i++) {
            if (i == MAX_TAG_OCTETS) {
                return rd_fail(diag, RD_WHY_LIMIT, &t, "ber.identifier");
            }
            if (!rd_cur_u8(&t, &b)) {
                *need = hlen + 2;
                return RD_NEED_MORE;
            }
            hlen++;
            /* X.690 8.1.2.4.2 c): the first subsequent octet is not 0x80. */
            if (i == 0 && b == 0x80u) {
                non_der = true;
            }
            num = num << 7 | ((uint32_t)b & 0x7fu);
            if ((b & 0x80u) == 0) {
                break;
            }
        }
        /* X.690 8.1.2.2: numbers 0..30 use the single-octet form. */
        if (num < 0x1fu) {
            non_der = true;
        }
    }
    {
        uint8_t first;
        if (!rd_cur_peek_u8(c, &first)) {
            return rd_fail(diag, RD_WHY_SHORT, c, "ber.identifier");
        }
        h->tag = RD_BER_TAG((uint32_t)first >> 6, ((uint32_t)first >> 5) & 1u, num);
    }

    if (!rd_cur_u8(&t, &nlen)) {
        *need = hlen + 1;
        return RD_NEED_MORE;
    }
    hlen++;
    if (nlen < 0x80u) {
        length = nlen;
    } else if (nlen == 0x80u) {
        /* X.690 8.1.3.6: indefinite form, not used by the protocols we read. */
        return rd_fail(diag, RD_WHY_UNSUPPORTED, c, "ber.length");
    } else if (nlen == 0xffu) {
        /* X.690 8.1.3.5 c): 0xff shall not be used. */
        return rd_fail(diag, RD_WHY_BAD_VALUE, c, "ber.length");
    } else {
        size_t n = (size_t)nlen & 0x7fu;
        if (n > MAX_LENGTH_OCTETS) {
            return rd_fail(diag, RD_WHY_LIMIT, c, "ber.length");
        }
        for (size_t i = 0; i < n; i++) {
            uint8_t lb;
            if (!rd_cur_u8(&t, &lb)) {
                *need = hlen + n - i;
                return RD_NEED_MORE;
            }
            hlen++;
            /* X.690 10.1: DER uses the fewest octets, no leading zero. */
            if (i == 0 && lb == 0) {
                non_der = true;
            }
            length = length << 8 | lb;
        }
        /* X.690 10.1: lengths below 128 use the short form in DER. */
        if (length < 0x80u) {
            non_der = true;
        }
    }
    h->length = length;
    h->header_len = hlen;
    h->non_der = non_der;
    *c = t;
    return RD_OK;
}

enum rd_status rd_ber_get_any(struct rd_cur *c, struct rd_ber_elem *e, struct rd_diag *diag)
{
    struct rd_cur t = *c;
    struct header h;
    size_t need = 0;
    enum rd_status st;
    struct rd_cur contents;

    st = read_header(&t, &h, &need, diag);
    if (st == RD_NEED_MORE) {
        /* Inside a framed PDU, running short is the PDU's fault. */
        return rd_fail(diag, RD_WHY_SHORT, c, "ber.header");
    }
    if (st != RD_OK) {
        return st;
    }
    if (!rd_cur_take(&t, h.length, &contents)) {
        return rd_fail(diag, RD_WHY_OVERRUN, c, "ber.length");
    }
    e->tag = h.tag;
    e->contents = contents;
    e->header_len = h.header_len;
    e->non_der = h.non_der;
    *c = t;
    return RD_OK;
}

enum rd_status rd_ber_get(struct rd_cur *c, uint32_t tag, struct rd_ber_elem *e,
                          struct rd_diag *diag)
{
    struct rd_cur t = *c;
    struct rd_ber_elem got;
    enum rd_status st;

    st = rd_ber_get_any(&t, &got, diag);
    if (st != RD_OK) {
        return st;
    }
    if (got.tag != tag) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, c, "ber.tag");
    }
    *e = got;
    *c = t;
    return RD_OK;
}

bool rd_ber_peek(const struct rd_cur *c, uint32_t *tag)
{
    struct rd_cur t = *c;
    struct header h;
    size_t need = 0;

    if (read_header(&t, &h, &need, NULL) != RD_OK) {
        return false;
    }
    *tag = h.tag;
    return true;
}

enum rd_status rd_ber_optional(struct rd_cur *c, uint32_t tag, struct rd_ber_elem *e, bool *present,
                               struct rd_diag *diag)
{
    uint32_t next;

    if (!rd_ber_peek(c, &next) || next != tag) {
        /* Absent, or unreadable here: the caller's exact-consumption check reports it. */
        *present = false;
        return RD_OK;
    }
    *present = true;
    return rd_ber_get(c, tag, e, diag);
}

enum rd_status rd_ber_uint64(struct rd_cur contents, uint64_t *v, bool *non_der,
                             struct rd_diag *diag)
{
    struct rd_cur t = contents;
    uint8_t first;
    uint8_t second;
    uint64_t r = 0;
    bool redundant = false;

    /* X.690 8.3.1: at least one contents octet. */
    if (!rd_cur_peek_u8(&t, &first)) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &contents, "ber.integer");
    }
    if ((first & 0x80u) != 0) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &contents, "ber.integer.negative");
    }
    /* X.690 8.3.2: the first nine bits are not all zero (nor all one). */
    if (first == 0 && rd_cur_peek_at(&t, 1, &second) && (second & 0x80u) == 0) {
        redundant = true;
    }
    while (rd_cur_peek_u8(&t, &first) && first == 0 && t.len > 1) {
        (void)rd_cur_skip(&t, 1);
    }
    if (t.len > 8) {
        return rd_fail(diag, RD_WHY_LIMIT, &contents, "ber.integer");
    }
    while (rd_cur_u8(&t, &first)) {
        r = r << 8 | first;
    }
    *v = r;
    if (non_der != NULL) {
        *non_der = redundant;
    }
    return RD_OK;
}

enum rd_status rd_ber_int64(struct rd_cur contents, int64_t *v, bool *non_der, struct rd_diag *diag)
{
    struct rd_cur t = contents;
    uint8_t b;
    uint8_t second;
    uint64_t r;
    bool redundant = false;
    bool negative;

    if (!rd_cur_peek_u8(&t, &b)) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &contents, "ber.integer");
    }
    negative = (b & 0x80u) != 0;
    if (rd_cur_peek_at(&t, 1, &second) &&
        ((b == 0 && (second & 0x80u) == 0) || (b == 0xffu && (second & 0x80u) != 0))) {
        redundant = true;
    }
    /* Drop sign-extension octets that do not change the value. */
    while (t.len > 8) {
        uint8_t nx;
        if (!rd_cur_peek_u8(&t, &b) || !rd_cur_peek_at(&t, 1, &nx)) {
            break;
        }
        if ((b == 0 && (nx & 0x80u) == 0) || (b == 0xffu && (nx & 0x80u) != 0)) {
            (void)rd_cur_skip(&t, 1);
        } else {
            break;
        }
    }
    if (t.len > 8) {
        return rd_fail(diag, RD_WHY_LIMIT, &contents, "ber.integer");
    }
    r = negative ? UINT64_MAX : 0;
    while (rd_cur_u8(&t, &b)) {
        r = r << 8 | b;
    }
    /* Two's complement to int64_t without implementation-defined conversion. */
    if (r > (uint64_t)INT64_MAX) {
        *v = -(int64_t)(UINT64_MAX - r) - 1;
    } else {
        *v = (int64_t)r;
    }
    if (non_der != NULL) {
        *non_der = redundant;
    }
    return RD_OK;
}

enum rd_status rd_ber_bool(struct rd_cur contents, bool *v, struct rd_diag *diag)
{
    struct rd_cur t = contents;
    uint8_t b;

    /* X.690 8.2.1: exactly one contents octet. */
    if (t.len != 1 || !rd_cur_u8(&t, &b)) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &contents, "ber.boolean");
    }
    /* X.690 8.2.2: any non-zero octet is TRUE (DER 11.1 wants 0xff; we are lenient). */
    *v = b != 0;
    return RD_OK;
}

enum rd_status rd_ber_frame(struct rd_cur c, size_t *total, struct rd_diag *diag)
{
    struct rd_cur t = c;
    struct header h;
    size_t need = 0;
    enum rd_status st;

    st = read_header(&t, &h, &need, diag);
    if (st == RD_NEED_MORE) {
        *total = need;
        return RD_NEED_MORE;
    }
    if (st != RD_OK) {
        return st;
    }
    if ((size_t)h.length > SIZE_MAX - h.header_len) {
        return rd_fail(diag, RD_WHY_LIMIT, &c, "ber.length");
    }
    *total = h.header_len + (size_t)h.length;
    if (*total > c.len) {
        return RD_NEED_MORE;
    }
    return RD_OK;
}
