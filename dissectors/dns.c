/*
 * dns.c - DNS message summaries.
 *
 * References: RFC 1035 3.2.2-3.2.4 (TYPE, CLASS), 2.3.4 (size limits), 4.1.1
 * (header), 4.1.2 (question), 4.1.3 (resource record), 4.1.4 (compression),
 * 4.2.2 (TCP framing); RFC 3596 2.2 (AAAA RDATA, 16 octets); RFC 2136 2.2
 * (UPDATE rcodes); RFC 6891 5 (extended label type 0x40); RFC 7766 8 (TCP).
 *
 * Compression pointers are followed through a view of the whole message.  A
 * pointer must point strictly before the start of the label run that holds it
 * (RFC 1035 4.1.4: "a pointer to a prior occurance of the same name"), so each
 * jump lands lower than the last and no pointer chain can loop; a pointer that
 * does not is RD_MALFORMED.  The expanded name is also held to 255 octets and
 * the chain to RD_DNS_MAX_POINTERS jumps.
 */
#include "config.h"

#include "dns.h"

#include <string.h>

/* ---- value -> name tables -------------------------------------------- */

struct code_name {
    uint16_t code;
    const char *name;
};

/* RFC 1035 4.1.1, RFC 2136 2.2. */
static const struct code_name rcodes[] = {
    {0, "NOERROR"}, {1, "FORMERR"}, {2, "SERVFAIL"}, {3, "NXDOMAIN"},
    {4, "NOTIMP"},  {5, "REFUSED"}, {6, "YXDOMAIN"}, {7, "YXRRSET"},
    {8, "NXRRSET"}, {9, "NOTAUTH"}, {10, "NOTZONE"},
};

/* RFC 1035 4.1.1, RFC 1996 (NOTIFY), RFC 2136 (UPDATE), RFC 8490 (DSO). */
static const struct code_name opcodes[] = {
    {0, "QUERY"}, {1, "IQUERY"}, {2, "STATUS"}, {4, "NOTIFY"}, {5, "UPDATE"}, {6, "DSO"},
};

static const struct code_name types[] = {
    {RD_DNS_TYPE_A, "A"},     {RD_DNS_TYPE_NS, "NS"},     {RD_DNS_TYPE_CNAME, "CNAME"},
    {RD_DNS_TYPE_SOA, "SOA"}, {RD_DNS_TYPE_PTR, "PTR"},   {RD_DNS_TYPE_MX, "MX"},
    {RD_DNS_TYPE_TXT, "TXT"}, {RD_DNS_TYPE_AAAA, "AAAA"}, {RD_DNS_TYPE_SRV, "SRV"},
    {RD_DNS_TYPE_OPT, "OPT"}, {RD_DNS_TYPE_SVCB, "SVCB"}, {RD_DNS_TYPE_HTTPS, "HTTPS"},
    {RD_DNS_TYPE_ANY, "ANY"},
};

static const char *lookup(const struct code_name *t, size_t n, uint16_t code)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].code == code) {
            return t[i].name;
        }
    }
    return "unknown";
}

/* ---- names ------------------------------------------------------------ */

/* A presentation-form name being built in a caller's buffer. */
struct name_buf {
    char *text;
    size_t size;
    size_t used;
    bool *truncated;
};

static void put_char(struct name_buf *nb, char ch)
{
    if (nb->used + 1 < nb->size) {
        nb->text[nb->used] = ch;
        nb->used++;
        nb->text[nb->used] = '\0';
    } else {
        *nb->truncated = true;
    }
}

/*
 * A domain name (RFC 1035 4.1.4): a sequence of labels, each a length octet
 * (0..63, top bits 00) and that many octets, ended by the zero-length root
 * label or by a pointer (top bits 11, then 14 bits of offset from the start of
 * the message) to the rest of the name elsewhere.  Top bits 01 are the
 * extended label type (RFC 6891 5), 10 is reserved.
 *
 * Reads the name at *c (advancing *c past its in-place part: up to and
 * including the first pointer or the root label); msg is the whole message,
 * for pointers.  *pointers counts the jumps followed.
 */
RD_TESTABLE enum rd_status rd_dns_read_name(const struct rd_cur *msg, struct rd_cur *c, char *text,
                                            size_t size, bool *truncated, size_t *pointers,
                                            struct rd_diag *diag)
{
    struct name_buf nb = {text, size, 0, truncated};
    struct rd_cur cur = *c;
    size_t limit = c->off - msg->off; /* pointers must point below this offset */
    size_t wire = 0;
    size_t hops = 0;
    bool jumped = false;

    text[0] = '\0';
    *truncated = false;
    for (;;) {
        struct rd_cur at = cur;
        struct rd_cur label;
        uint8_t len;

        if (!rd_cur_u8(&cur, &len)) {
            return rd_fail(diag, RD_WHY_SHORT, &at, "dns.name");
        }
        if ((len & 0xc0u) == 0xc0u) {
            uint8_t lo;
            size_t target;

            if (!rd_cur_u8(&cur, &lo)) {
                return rd_fail(diag, RD_WHY_SHORT, &at, "dns.name.pointer");
            }
            target = ((size_t)(len & 0x3fu) << 8) | lo;
            /* RFC 1035 4.1.4: a pointer refers to a prior occurrence.  Below
             * the start of this run, so the chain strictly descends. */
            if (target >= limit) {
                return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "dns.name.pointer");
            }
            hops++;
            if (hops > RD_DNS_MAX_POINTERS) {
                return rd_fail(diag, RD_WHY_LIMIT, &at, "dns.name.pointer");
            }
            if (!jumped) {
                *c = cur;
                jumped = true;
            }
            if (!rd_cur_slice(msg, target, msg->len - target, &cur)) {
                return rd_fail(diag, RD_WHY_OVERRUN, &at, "dns.name.pointer");
            }
            limit = target;
            continue;
        }
        if ((len & 0xc0u) == 0x40u) {
            return rd_fail(diag, RD_WHY_UNSUPPORTED, &at, "dns.name.label_type");
        }
        if ((len & 0xc0u) != 0) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "dns.name.label_type");
        }
        /* RFC 1035 2.3.4: 255 octets or less, length octets included. */
        wire += 1u + len;
        if (wire > RD_DNS_NAME_WIRE_MAX) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "dns.name.length");
        }
        if (len == 0) {
            break;
        }
        if (!rd_cur_take(&cur, len, &label)) {
            return rd_fail(diag, RD_WHY_SHORT, &at, "dns.name.label");
        }
        if (nb.used > 0) {
            put_char(&nb, '.');
        }
        for (uint8_t b; rd_cur_u8(&label, &b);) {
            put_char(&nb, b > 0x20 && b < 0x7f && b != '.' ? (char)b : '?');
        }
    }
    if (!jumped) {
        *c = cur;
    }
    if (nb.used == 0) {
        put_char(&nb, '.');
    }
    *pointers += hops;
    return RD_OK;
}

/* ---- records ---------------------------------------------------------- */

/*
 * Question (RFC 1035 4.1.2): QNAME, QTYPE (2), QCLASS (2).
 */
static enum rd_status read_question(const struct rd_cur *msg, struct rd_cur *c,
                                    struct rd_dns_msg *out, bool keep, struct rd_diag *diag)
{
    char scratch[RD_DNS_NAME_MAX];
    bool scratch_cut;
    uint16_t qtype;
    uint16_t qclass;
    enum rd_status st;

    if (keep) {
        st = rd_dns_read_name(msg, c, out->qname, sizeof out->qname, &out->qname_truncated,
                              &out->pointers, diag);
    } else {
        st = rd_dns_read_name(msg, c, scratch, sizeof scratch, &scratch_cut, &out->pointers, diag);
    }
    if (st != RD_OK) {
        return st;
    }
    if (!rd_cur_u16be(c, &qtype)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "dns.question.type");
    }
    if (!rd_cur_u16be(c, &qclass)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "dns.question.class");
    }
    if (keep) {
        out->has_question = true;
        out->qtype = qtype;
        out->qclass = qclass;
    }
    return RD_OK;
}

/*
 * Resource record (RFC 1035 4.1.3):
 *   NAME | TYPE (2) | CLASS (2) | TTL (4) | RDLENGTH (2) | RDATA (RDLENGTH)
 * RDATA: A is 4 octets (RFC 1035 3.4.1), AAAA 16 (RFC 3596 2.2), CNAME one
 * domain name filling it exactly (RFC 1035 3.3.1).  rr NULL: check the
 * structure only.
 */
static enum rd_status read_rr(const struct rd_cur *msg, struct rd_cur *c, struct rd_dns_rr *rr,
                              size_t *pointers, struct rd_diag *diag)
{
    struct rd_dns_rr skip;
    struct rd_dns_rr *r = rr != NULL ? rr : &skip;
    struct rd_cur at;
    struct rd_cur rdata;
    enum rd_status st;

    /* Field by field: the name buffers are large and filled by the reader. */
    r->name[0] = '\0';
    r->name_truncated = false;
    r->type = 0;
    r->rclass = 0;
    r->ttl = 0;
    r->rdlength = 0;
    r->addr_family = 0;
    r->target[0] = '\0';
    r->target_truncated = false;
    st = rd_dns_read_name(msg, c, r->name, sizeof r->name, &r->name_truncated, pointers, diag);
    if (st != RD_OK) {
        return st;
    }
    if (!rd_cur_u16be(c, &r->type)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "dns.rr.type");
    }
    if (!rd_cur_u16be(c, &r->rclass)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "dns.rr.class");
    }
    if (!rd_cur_u32be(c, &r->ttl)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "dns.rr.ttl");
    }
    at = *c;
    if (!rd_cur_u16be(c, &r->rdlength)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "dns.rr.rdlength");
    }
    if (!rd_cur_take(c, r->rdlength, &rdata)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "dns.rr.rdlength");
    }
    if (rr == NULL || r->rclass != RD_DNS_CLASS_IN) {
        return RD_OK;
    }
    if (r->type == RD_DNS_TYPE_A) {
        if (rdata.len != 4) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "dns.rr.a");
        }
        (void)rd_cur_copy(&rdata, 4, r->addr, sizeof r->addr);
        r->addr_family = 4;
    } else if (r->type == RD_DNS_TYPE_AAAA) {
        if (rdata.len != 16) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "dns.rr.aaaa");
        }
        (void)rd_cur_copy(&rdata, 16, r->addr, sizeof r->addr);
        r->addr_family = 6;
    } else if (r->type == RD_DNS_TYPE_CNAME) {
        st = rd_dns_read_name(msg, &rdata, r->target, sizeof r->target, &r->target_truncated,
                              pointers, diag);
        if (st != RD_OK) {
            return st;
        }
        if (!rd_cur_is_empty(&rdata)) {
            return rd_fail(diag, RD_WHY_TRAILING, &rdata, "dns.rr.cname");
        }
    }
    return RD_OK;
}

/* ---- public ----------------------------------------------------------- */

/* Clear a result field by field: its name and answer arrays are ~9 KB, and
 * only what the parse fills is read. */
static void clear_msg(struct rd_dns_msg *out)
{
    out->id = 0;
    out->is_response = false;
    out->opcode = 0;
    out->aa = out->tc = out->rd = out->ra = false;
    out->rcode = 0;
    out->qdcount = out->ancount = out->nscount = out->arcount = 0;
    out->has_question = false;
    out->qname[0] = '\0';
    out->qname_truncated = false;
    out->qtype = out->qclass = 0;
    out->answer_count = 0;
    out->answers_dropped = 0;
    out->sections_cut = false;
    out->pointers = 0;
}

/*
 * Header (RFC 1035 4.1.1), 12 octets:
 *   ID (2)
 *   QR (1 bit) | OPCODE (4) | AA | TC | RD | RA | Z | AD | CD | RCODE (4)
 *   QDCOUNT (2) | ANCOUNT (2) | NSCOUNT (2) | ARCOUNT (2)
 * then QDCOUNT questions, ANCOUNT answers, NSCOUNT authority records and
 * ARCOUNT additional records, and nothing after them.
 */
enum rd_status rd_dns_parse(struct rd_cur in, struct rd_dns_msg *out, struct rd_diag *diag)
{
    struct rd_cur c = in;
    uint16_t flags = 0;
    enum rd_status st;

    clear_msg(out);
    if (in.len < RD_DNS_HEADER_LEN) {
        return rd_fail(diag, RD_WHY_SHORT, &in, "dns.header");
    }
    (void)rd_cur_u16be(&c, &out->id);
    (void)rd_cur_u16be(&c, &flags);
    (void)rd_cur_u16be(&c, &out->qdcount);
    (void)rd_cur_u16be(&c, &out->ancount);
    (void)rd_cur_u16be(&c, &out->nscount);
    (void)rd_cur_u16be(&c, &out->arcount);
    out->is_response = (flags & 0x8000u) != 0;
    out->opcode = (uint8_t)((flags >> 11) & 0x0fu);
    out->aa = (flags & 0x0400u) != 0;
    out->tc = (flags & 0x0200u) != 0;
    out->rd = (flags & 0x0100u) != 0;
    out->ra = (flags & 0x0080u) != 0;
    out->rcode = (uint8_t)(flags & 0x000fu);

    for (size_t i = 0; i < out->qdcount; i++) {
        if (out->tc && rd_cur_is_empty(&c)) {
            out->sections_cut = true;
            return RD_OK;
        }
        st = read_question(&in, &c, out, i == 0, diag);
        if (st != RD_OK) {
            return st;
        }
    }
    for (size_t i = 0; i < (size_t)out->ancount + out->nscount + out->arcount; i++) {
        struct rd_dns_rr *rr = NULL;

        if (out->tc && rd_cur_is_empty(&c)) {
            out->sections_cut = true;
            return RD_OK;
        }
        if (i < out->ancount) {
            if (out->answer_count < RD_DNS_MAX_ANSWERS) {
                rr = &out->answers[out->answer_count];
            } else {
                out->answers_dropped++;
            }
        }
        st = read_rr(&in, &c, rr, &out->pointers, diag);
        if (st != RD_OK) {
            return st;
        }
        if (rr != NULL) {
            out->answer_count++;
        }
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "dns.message");
    }
    return RD_OK;
}

enum rd_status rd_dns_frame_tcp(struct rd_cur in, size_t *total, struct rd_diag *diag)
{
    struct rd_cur c = in;
    uint16_t len;

    if (!rd_cur_u16be(&c, &len)) {
        *total = 2;
        return RD_NEED_MORE;
    }
    if (len < RD_DNS_HEADER_LEN) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "dns.tcp.length");
    }
    *total = 2 + (size_t)len;
    return c.len >= len ? RD_OK : RD_NEED_MORE;
}

enum rd_status rd_dns_parse_tcp(struct rd_cur in, struct rd_dns_msg *out, struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur body;
    uint16_t len;

    if (!rd_cur_u16be(&c, &len)) {
        memset(out, 0, sizeof *out);
        return rd_fail(diag, RD_WHY_SHORT, &in, "dns.tcp.length");
    }
    if (!rd_cur_take(&c, len, &body)) {
        memset(out, 0, sizeof *out);
        return rd_fail(diag, RD_WHY_SHORT, &in, "dns.tcp.length");
    }
    if (!rd_cur_is_empty(&c)) {
        memset(out, 0, sizeof *out);
        return rd_fail(diag, RD_WHY_TRAILING, &c, "dns.tcp");
    }
    return rd_dns_parse(body, out, diag);
}

const char *rd_dns_rcode_name(uint8_t rcode)
{
    return lookup(rcodes, sizeof rcodes / sizeof rcodes[0], rcode);
}

const char *rd_dns_opcode_name(uint8_t opcode)
{
    return lookup(opcodes, sizeof opcodes / sizeof opcodes[0], opcode);
}

const char *rd_dns_type_name(uint16_t type)
{
    return lookup(types, sizeof types / sizeof types[0], type);
}
