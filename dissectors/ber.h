/*
 * ber.h - ASN.1 BER/DER on top of the cursor (ITU-T X.690).
 *
 * Definite lengths of at most 4 length bytes only; tag numbers above 30 (the
 * multi-byte form) are supported.  Non-minimal lengths and INTEGERs are
 * accepted and flagged non_der: CredSSP, SPNEGO and Kerberos promise DER, MCS
 * uses BER, and we describe what peers sent rather than enforce it.
 */
#ifndef RD_BER_H
#define RD_BER_H

#include "cursor.h"

#define RD_BER_MAX_DEPTH 16

#define RD_BER_UNIVERSAL   0u
#define RD_BER_APPLICATION 1u
#define RD_BER_CONTEXT     2u
#define RD_BER_PRIVATE     3u

/* A tag as one number: class (2 bits), constructed (1 bit), tag number. */
#define RD_BER_TAG(cls, cons, num)                                                                 \
    (((uint32_t)(cls) << 30) | ((uint32_t)(cons) << 29) | (uint32_t)(num))
#define RD_BER_TAG_CLASS(t)       ((t) >> 30)
#define RD_BER_TAG_CONSTRUCTED(t) (((t) >> 29) & 1u)
#define RD_BER_TAG_NUMBER(t)      ((t)&0x1fffffffu)

#define RD_BER_BOOLEAN          RD_BER_TAG(RD_BER_UNIVERSAL, 0, 1)
#define RD_BER_INTEGER          RD_BER_TAG(RD_BER_UNIVERSAL, 0, 2)
#define RD_BER_BIT_STRING       RD_BER_TAG(RD_BER_UNIVERSAL, 0, 3)
#define RD_BER_OCTET_STRING     RD_BER_TAG(RD_BER_UNIVERSAL, 0, 4)
#define RD_BER_OID              RD_BER_TAG(RD_BER_UNIVERSAL, 0, 6)
#define RD_BER_ENUMERATED       RD_BER_TAG(RD_BER_UNIVERSAL, 0, 10)
#define RD_BER_GENERAL_STRING   RD_BER_TAG(RD_BER_UNIVERSAL, 0, 27)
#define RD_BER_GENERALIZED_TIME RD_BER_TAG(RD_BER_UNIVERSAL, 0, 24)
#define RD_BER_SEQUENCE         RD_BER_TAG(RD_BER_UNIVERSAL, 1, 16)
#define RD_BER_CTX(n)           RD_BER_TAG(RD_BER_CONTEXT, 1, (n))     /* [n] constructed */
#define RD_BER_APP(n)           RD_BER_TAG(RD_BER_APPLICATION, 1, (n)) /* [APPLICATION n] constructed */

/* One element: its tag and a child cursor over exactly its contents. */
struct rd_ber_elem {
    uint32_t tag;
    struct rd_cur contents;
    size_t header_len; /* identifier + length octets */
    bool non_der;      /* a non-minimal length encoding was used */
};

/* Read the next element, whatever its tag.  Indefinite lengths (0x80), lengths
 * of more than 4 bytes, and lengths past the view are RD_MALFORMED. */
enum rd_status rd_ber_get_any(struct rd_cur *c, struct rd_ber_elem *e, struct rd_diag *diag);

/* Read the next element and require its tag to be tag (RD_MALFORMED otherwise;
 * the cursor does not move on failure). */
enum rd_status rd_ber_get(struct rd_cur *c, uint32_t tag, struct rd_ber_elem *e,
                          struct rd_diag *diag);

/* The tag of the next element, without consuming it. */
bool rd_ber_peek(const struct rd_cur *c, uint32_t *tag);

/* Read the next element if its tag is tag; *present says whether it was. */
enum rd_status rd_ber_optional(struct rd_cur *c, uint32_t tag, struct rd_ber_elem *e, bool *present,
                               struct rd_diag *diag);

/* INTEGER / ENUMERATED contents to an unsigned value: negative values and values
 * wider than 64 bits are RD_MALFORMED; a redundant leading 0x00/0xff sets *non_der. */
enum rd_status rd_ber_uint64(struct rd_cur contents, uint64_t *v, bool *non_der,
                             struct rd_diag *diag);
/* INTEGER contents to a signed value (Kerberos error codes, nonces). */
enum rd_status rd_ber_int64(struct rd_cur contents, int64_t *v, bool *non_der,
                            struct rd_diag *diag);
/* BOOLEAN contents (exactly one byte). */
enum rd_status rd_ber_bool(struct rd_cur contents, bool *v, struct rd_diag *diag);

/*
 * Stream framing: the total size (header + contents) of the element at the start
 * of c.  RD_NEED_MORE with *need set to the total (or to the header bytes still
 * missing) when c holds only part of it.
 */
enum rd_status rd_ber_frame(struct rd_cur c, size_t *total, struct rd_diag *diag);

#endif
