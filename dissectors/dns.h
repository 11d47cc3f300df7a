/*
 * dns.h - DNS messages (RFC 1035 4.1; RFC 3596 AAAA; RFC 1035 4.2.2 TCP framing).
 *
 * rdpdiag reads DNS to say which name a client resolved to the address it then
 * connected to: the header (id, QR, opcode, rcode), the first question, and the
 * answer section's A, AAAA and CNAME records (other types by number only).  The
 * authority and additional sections are walked for structure, not kept.
 *
 * Names are decoded into the caller's fixed buffers in presentation form
 * (labels joined with '.', the root as "."; bytes outside printable ASCII and
 * a '.' inside a label shown as '?'), so the result never points into the
 * input.  A name that does not fit its buffer is cut and flagged, not failed.
 */
#ifndef RD_DNS_H
#define RD_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#ifndef RD_TESTABLE
#ifdef RD_UNIT_TEST
#define RD_TESTABLE
#else
#define RD_TESTABLE static
#endif
#endif

#define RD_DNS_HEADER_LEN 12u
/* RFC 1035 2.3.4: 255 octets of wire form; 254 presentation chars at most. */
#define RD_DNS_NAME_WIRE_MAX 255u
#define RD_DNS_NAME_MAX      256 /* presentation buffer, NUL included */
/* Compression pointers followed for one name.  Each pointer must point before
 * the previous one, so a loop is already impossible; this caps the work. */
#define RD_DNS_MAX_POINTERS 64u
#define RD_DNS_MAX_ANSWERS  16

/* Types (RFC 1035 3.2.2, RFC 3596 2.1, RFC 2782, RFC 6891, RFC 9460). */
#define RD_DNS_TYPE_A     1u
#define RD_DNS_TYPE_NS    2u
#define RD_DNS_TYPE_CNAME 5u
#define RD_DNS_TYPE_SOA   6u
#define RD_DNS_TYPE_PTR   12u
#define RD_DNS_TYPE_MX    15u
#define RD_DNS_TYPE_TXT   16u
#define RD_DNS_TYPE_AAAA  28u
#define RD_DNS_TYPE_SRV   33u
#define RD_DNS_TYPE_OPT   41u
#define RD_DNS_TYPE_SVCB  64u
#define RD_DNS_TYPE_HTTPS 65u
#define RD_DNS_TYPE_ANY   255u
#define RD_DNS_CLASS_IN   1u

/* RCODE values (RFC 1035 4.1.1, RFC 2136 2.2). */
#define RD_DNS_RCODE_NOERROR  0u
#define RD_DNS_RCODE_FORMERR  1u
#define RD_DNS_RCODE_SERVFAIL 2u
#define RD_DNS_RCODE_NXDOMAIN 3u
#define RD_DNS_RCODE_NOTIMP   4u
#define RD_DNS_RCODE_REFUSED  5u

/* One resource record of the answer section. */
struct rd_dns_rr {
    char name[RD_DNS_NAME_MAX]; /* owner name */
    bool name_truncated;
    uint16_t type; /* RD_DNS_TYPE_* or any other number */
    uint16_t rclass;
    uint32_t ttl;
    uint16_t rdlength;
    /* A (family 4, first 4 bytes) or AAAA (family 6); 0 for other types. */
    uint8_t addr_family;
    uint8_t addr[16];
    /* CNAME target; empty for other types. */
    char target[RD_DNS_NAME_MAX];
    bool target_truncated;
};

struct rd_dns_msg {
    uint16_t id;
    bool is_response; /* QR */
    uint8_t opcode;   /* 0 QUERY, see rd_dns_opcode_name */
    bool aa, tc, rd, ra;
    uint8_t rcode; /* low 4 bits of the header's flags; see rd_dns_rcode_name */
    uint16_t qdcount, ancount, nscount, arcount;

    bool has_question; /* the first question; later ones are checked, not kept */
    char qname[RD_DNS_NAME_MAX];
    bool qname_truncated;
    uint16_t qtype, qclass;

    struct rd_dns_rr answers[RD_DNS_MAX_ANSWERS]; /* in wire order */
    size_t answer_count;
    size_t answers_dropped; /* answer records beyond RD_DNS_MAX_ANSWERS */
    /* TC set and the message stopped at a record boundary before the counts
     * were met (RFC 1035 4.1.1: the message was truncated by its sender). */
    bool sections_cut;
    size_t pointers; /* compression pointers followed in the whole message */
};

/*
 * Parse one DNS message occupying in exactly (a UDP payload, or the body after
 * the TCP length prefix).  Fills out (cleared first).  RD_OK, or RD_MALFORMED
 * with diag: RD_WHY_SHORT when a field runs past the message, RD_WHY_OVERRUN
 * when an rdlength runs past it, RD_WHY_TRAILING for bytes after the last
 * counted record, RD_WHY_BAD_VALUE for a compression pointer that does not
 * point before the previous one (a loop or a forward pointer), a name longer
 * than 255 octets, a reserved label type, or an A/AAAA of the wrong size;
 * RD_WHY_LIMIT past RD_DNS_MAX_POINTERS; RD_WHY_UNSUPPORTED for the extended
 * label type 0x40 (RFC 6891 5).
 */
enum rd_status rd_dns_parse(struct rd_cur in, struct rd_dns_msg *out, struct rd_diag *diag);

/*
 * DNS over TCP (RFC 1035 4.2.2, RFC 7766 8): a 2-byte big-endian length, then
 * the message.  rd_dns_frame_tcp reads only the prefix: RD_OK with
 * *total = 2 + length when in holds it all, RD_NEED_MORE with *total (2 while
 * the prefix itself is incomplete); a length below the 12-byte header is
 * RD_MALFORMED (RD_WHY_BAD_VALUE).  rd_dns_parse_tcp parses exactly one framed
 * message (prefix included).
 */
enum rd_status rd_dns_frame_tcp(struct rd_cur in, size_t *total, struct rd_diag *diag);
enum rd_status rd_dns_parse_tcp(struct rd_cur in, struct rd_dns_msg *out, struct rd_diag *diag);

/* "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", ... or "unknown". */
const char *rd_dns_rcode_name(uint8_t rcode);
/* "QUERY", "IQUERY", "STATUS", "NOTIFY", "UPDATE", "DSO" or "unknown". */
const char *rd_dns_opcode_name(uint8_t opcode);
/* "A", "AAAA", "CNAME", ... or "unknown". */
const char *rd_dns_type_name(uint16_t type);

#ifdef RD_UNIT_TEST
/* One domain name at *c (RFC 1035 4.1.4), pointers resolved against msg (the
 * whole message); *c advances past the name's in-place part.  text gets the
 * presentation form, cut to size with *truncated set; *pointers counts jumps. */
enum rd_status rd_dns_read_name(const struct rd_cur *msg, struct rd_cur *c, char *text, size_t size,
                                bool *truncated, size_t *pointers, struct rd_diag *diag);
#endif

#endif
